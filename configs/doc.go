// Package configs loads and validates intercom-replica's configuration with the precedence
// defaults < YAML file < environment < flags. It is a leaf: it imports nothing else from this module.
//
// # Basics
//
// A subcommand defines the configuration flags it exposes with [RegisterFlags], parses its command line, and calls
// [Load] with the process's environment lookup (injected, so tests never touch the real environment):
//
//	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
//	cf := configs.RegisterFlags(fs, append(configs.ReplicaFlags(), configs.IntercomFlags()...)...)
//	if err := fs.Parse(args); err != nil { ... }
//	cfg, err := configs.Load(os.Getenv, cf) // a usage error (exit 2) if it fails
//	if err := cfg.RequireIntercomToken(); err != nil { ... } // only commands that call Intercom
//
// Only the flags the user set override the layers below them. Load reads secrets named by *_file keys, resolves an
// empty data_dir to the platform's user data directory, and validates; every problem is a [*FieldError] naming the
// dotted key (serve.listen), where the value came from (a file and line, an environment variable, a flag) and what
// is wrong, and all of them are reported at once.
//
// # Secrets
//
// Access tokens, the webhook client secret and local bearer tokens are [Secret]s: every rendering (fmt, slog, JSON,
// YAML) shows [Redacted]; [Secret.Reveal] is for the one place that sends the value. [Config.EffectiveYAML] prints
// the whole configuration, redacted, with the source of every value.
//
// # Documentation
//
// settings.go holds, for every key, its meaning, environment variable and flag. The tests generate
// intercom-replica.example.yaml and the README's configuration reference from it and fail when either is out of
// date (go test ./configs -update rewrites them); they also check the example against [Default] and the Config
// struct, and the MCP client configurations under clients/ against the flags and the default listen address.
//
// # Caveats
//
// Validate checks values, not the machine: it does not create data_dir or check that a port is free. Whether the
// HTTP transport can authenticate anyone, and whether an Intercom token or the webhook client secret is present,
// depend on the command, so they are separate checks ([Config.RequireHTTPAuth], [Config.RequireIntercomToken],
// [Config.RequireWebhookSecret]).
package configs

package configs

import (
	"fmt"
	"reflect"
	"strings"
)

// exampleYAML renders the example config file: every key at its default, with its documentation.
func exampleYAML() string {
	var b strings.Builder
	b.WriteString(exampleHeader)
	def := Default()
	def.writeYAML(&b, func(s setting, indent string) {
		writeComment(&b, indent, s.doc)
		if s.section {
			return
		}
		where := "Default: " + displayDefault(s, &def, false) + "."
		if s.env != "" {
			where += " Env: " + s.env + "."
		}
		if s.flag != "" {
			where += " Flag: --" + s.flag + "."
		}
		writeComment(&b, indent, where)
	}, nil)
	return b.String()
}

const exampleHeader = `# intercom-replica configuration: every key, at its default value.
#
# Settings are read from, each overriding the one before: built-in defaults, this file, environment variables
# (an empty one counts as unset), and the flags given on the command line. The file is --config FILE, else
# $INTERCOM_REPLICA_CONFIG, else config.yaml in the user config directory if it exists
# (~/.config/intercom-replica/ or $XDG_CONFIG_HOME/intercom-replica/ on Linux,
# ~/Library/Application Support/intercom-replica/ on macOS, %AppData%\intercom-replica\ on Windows).
# Copy this file there and keep only the keys you change. An unknown key or a bad value stops the program with
# a message naming the key.
#
# Secrets are best given through the environment or a *_file key, never on the command line. A leading ~ in a
# path is expanded; a relative path is relative to this file.
#
# Generated from configs/settings.go by "go test ./configs -update": edit that file, not this one.
`

// displayDefault describes a setting's default for a reader: the value as typed, without YAML's quotes, or
// "empty" and "none" for an empty string and an empty list; code-formatted for Markdown when code is set.
func displayDefault(s setting, def *Config, code bool) string {
	if s.defaultText != "" {
		return s.defaultText
	}
	v := reflect.ValueOf(def).Elem().FieldByIndex(fieldsByKey()[s.key].index)
	text := formatValue(v)
	switch {
	case v.Kind() == reflect.String && v.String() == "", v.Type() == reflect.TypeFor[Secret]() && v.IsZero():
		return "empty"
	case v.Kind() == reflect.Slice && v.Len() == 0:
		return "none"
	case v.Kind() == reflect.String:
		text = v.String()
	}
	if code {
		return "`" + text + "`"
	}
	return text
}

// writeComment writes text as YAML comment lines at indent, wrapped to 116 columns.
func writeComment(b *strings.Builder, indent, text string) {
	const width = 116
	line := indent + "#"
	for _, word := range strings.Fields(text) {
		if len(line)+1+len(word) > width && len(line) > len(indent)+1 {
			b.WriteString(line + "\n")
			line = indent + "#"
		}
		line += " " + word
	}
	b.WriteString(line + "\n")
}

// readmeReference renders the README's configuration reference: how settings are layered, then a table of every
// key. unknownKeyExample is a real error message, so the README can't show one the program doesn't print.
func readmeReference(unknownKeyExample string) string {
	var b strings.Builder
	intro := strings.NewReplacer("§", "`", "{{mistakes}}", unknownKeyExample, "{{redacted}}", Redacted).Replace(readmeIntro)
	b.WriteString(intro)
	def := Default()
	for _, s := range settings() {
		if s.section {
			continue
		}
		dflt := displayDefault(s, &def, true)
		env, flag := "", ""
		if s.env != "" {
			env = "`" + s.env + "`"
		}
		if s.flag != "" {
			flag = "`--" + s.flag + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", s.key, dflt, env, flag, markdownCell(s.doc))
	}
	return b.String()
}

// markdownCell escapes text for a Markdown table cell: a pipe would end the cell, and <word> would be taken for an
// HTML tag and vanish.
func markdownCell(s string) string {
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}

// readmeIntro is the text above the table; § stands for a backquote.
const readmeIntro = `Settings are read from, each overriding the one before: built-in defaults, the YAML config file, environment
variables (an empty one counts as unset), and the flags given on the command line. The config file is
§--config FILE§, else §$INTERCOM_REPLICA_CONFIG§, else §config.yaml§ in the user config directory if it exists
(§$XDG_CONFIG_HOME/intercom-replica/§ or §~/.config/intercom-replica/§ on Linux,
§~/Library/Application Support/intercom-replica/§ on macOS, §%AppData%\intercom-replica\§ on Windows).
[§configs/intercom-replica.example.yaml§](configs/intercom-replica.example.yaml) lists every key with its default and
what it means; copy it and keep the keys you change.

A mistake stops the program with exit code 2 and a message naming the key and where the value came from:

§§§
{{mistakes}}
§§§

Secrets (§intercom.access_token§, §sync.webhooks.client_secret§, §serve.tokens§) are never logged or printed:
wherever the configuration is shown (logs, §status§) they read §{{redacted}}§. Give them through the environment or
a §*_file§ key (the secret alone on one line, §chmod 600§), not on the command line, where other users of the
machine can read them; a secret and its §*_file§ replace each other, the later layer winning. A leading §~§ in a
path is expanded, and a relative path in the config file is relative to the file. §sync§ and §serve§ need an
Intercom token (or §--demo§); the other commands read the local replica only.

| key | default | env | flag | meaning |
| --- | --- | --- | --- | --- |
`

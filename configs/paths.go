package configs

import (
	"errors"
	"path"
	"strings"
)

// appDir is the directory name intercom-replica uses under the platform's data and config directories.
const appDir = "intercom-replica"

// DefaultDataDir returns the platform's user data directory for intercom-replica, computed for the operating system
// goos (a runtime.GOOS value) from the environment getenv, not the process's, so that tests can ask for any platform:
//
//   - Linux and other Unix: $XDG_DATA_HOME/intercom-replica if XDG_DATA_HOME is an absolute path, else
//     $HOME/.local/share/intercom-replica (the XDG Base Directory specification);
//   - macOS ("darwin", "ios"): $HOME/Library/Application Support/intercom-replica;
//   - Windows: %LocalAppData%\intercom-replica (data that should not roam between machines).
//
// It fails when the variable it needs is not set.
func DefaultDataDir(goos string, getenv func(string) string) (string, error) {
	switch goos {
	case "windows":
		return windowsDir(getenv, "LOCALAPPDATA")
	case "darwin", "ios":
		return homeDir(goos, getenv, "Library", "Application Support", appDir)
	}
	if x := getenv("XDG_DATA_HOME"); path.IsAbs(x) {
		return path.Join(x, appDir), nil
	}
	return homeDir(goos, getenv, ".local", "share", appDir)
}

// DefaultConfigFile returns where Load looks for a config file when neither --config nor INTERCOM_REPLICA_CONFIG
// names one: config.yaml in the platform's user config directory ($XDG_CONFIG_HOME or ~/.config on Linux,
// ~/Library/Application Support on macOS, %AppData% on Windows), as os.UserConfigDir does but with getenv injected.
func DefaultConfigFile(goos string, getenv func(string) string) (string, error) {
	var dir string
	var err error
	switch goos {
	case "windows":
		dir, err = windowsDir(getenv, "APPDATA")
	case "darwin", "ios":
		dir, err = homeDir(goos, getenv, "Library", "Application Support", appDir)
	default:
		if x := getenv("XDG_CONFIG_HOME"); path.IsAbs(x) {
			dir = path.Join(x, appDir)
		} else {
			dir, err = homeDir(goos, getenv, ".config", appDir)
		}
	}
	if err != nil {
		return "", err
	}
	return joinFor(goos, dir, "config.yaml"), nil
}

// windowsDir returns %name%\intercom-replica.
func windowsDir(getenv func(string) string, name string) (string, error) {
	base := getenv(name)
	if base == "" {
		return "", errors.New("%" + name + "% is not set")
	}
	return joinFor("windows", base, appDir), nil
}

// homeDir joins elems under the user's home directory.
func homeDir(goos string, getenv func(string) string, elems ...string) (string, error) {
	home, err := userHome(goos, getenv)
	if err != nil {
		return "", err
	}
	return joinFor(goos, append([]string{home}, elems...)...), nil
}

// userHome returns $HOME (%USERPROFILE% on Windows).
func userHome(goos string, getenv func(string) string) (string, error) {
	name := "HOME"
	if goos == "windows" {
		name = "USERPROFILE"
	}
	home := getenv(name)
	if home == "" {
		return "", errors.New("$" + name + " is not set")
	}
	return home, nil
}

// joinFor joins path elements with goos's separator, so that a Windows path can be computed (and tested) anywhere.
func joinFor(goos string, elems ...string) string {
	if goos != "windows" {
		return path.Join(elems...)
	}
	for i, e := range elems {
		if i > 0 {
			e = strings.TrimLeft(e, `\/`)
		}
		if i < len(elems)-1 {
			e = strings.TrimRight(e, `\/`)
		}
		elems[i] = e
	}
	return strings.Join(elems, `\`)
}

// expandHome replaces a leading "~" (alone, or followed by a separator) with the user's home directory. MCP clients
// start servers without a shell, so a "~/token" in their config reaches us unexpanded.
func expandHome(p, goos string, getenv func(string) string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") && !(goos == "windows" && strings.HasPrefix(p, `~\`)) {
		return p, nil
	}
	home, err := userHome(goos, getenv)
	if err != nil {
		return "", errors.New("cannot expand ~: " + err.Error())
	}
	if p == "~" {
		return home, nil
	}
	return joinFor(goos, home, p[2:]), nil
}

// Package configs loads and validates intercom-replica's configuration with the precedence
// defaults < YAML file < environment < flags. It is a leaf: it imports nothing else from this module.
package configs

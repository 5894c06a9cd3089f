#!/bin/sh
# Registers intercom-replica with Claude Code. Run the lines you want; claude-code.mcp.json has the same servers as
# a project's .mcp.json. Options go before --, the server's name and its command (or URL) after it: --env and
# --header take several values and would swallow a name placed after them (anthropics/claude-code#23365).

# The demo workspace: no Intercom account needed.
claude mcp add intercom-demo -- intercom-replica serve --demo

# Your workspace over stdio, the token read from a file (chmod 600) so that it is stored in neither Claude Code's
# configuration nor your shell history. Without --env, intercom-replica takes the token from its config file.
claude mcp add --env "INTERCOM_ACCESS_TOKEN_FILE=$HOME/.config/intercom-replica/access_token" -- intercom intercom-replica serve

# A replica served by `intercom-replica serve --transport http`, with one of its INTERCOM_REPLICA_TOKENS.
claude mcp add --transport http --header "Authorization: Bearer $INTERCOM_REPLICA_TOKEN" -- intercom-http http://127.0.0.1:8080/mcp

#!/bin/sh
# Starts Chromium so that it dies with the process that launched it. A browser outlives its
# parent when the parent is killed with SIGKILL (no handler runs); setpriv asks the kernel to
# send the browser SIGKILL the moment its parent goes, and its helper processes follow it.
# The browser to start is in AUTORESEARCH_CHROMIUM; the arguments are passed on unchanged.
exec setpriv --pdeathsig KILL -- "$AUTORESEARCH_CHROMIUM" "$@"

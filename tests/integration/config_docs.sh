#!/usr/bin/env bash
# docs/config.md is generated from the schema; this fails when it is stale.
source "$(dirname "$0")/lib.sh"
"$VOCLOUD_BIN" config explain --markdown > "$SCRATCH/config.md"
if ! diff -u "$VOCLOUD_SOURCE_DIR/docs/config.md" "$SCRATCH/config.md"; then
  fail "docs/config.md is stale: run build/bin/vocloud config explain --markdown > docs/config.md"
fi
echo "docs/config.md is current"

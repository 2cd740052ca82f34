#!/usr/bin/env bash
# Writes the provider's schema, as `providers schema -json` reports it, for
# tfplugindocs (--providers-schema). OpenTofu reports it: the Terraform this
# project tests with (1.5.7) predates ephemeral resources and would leave
# hedgehog_access_token out of the docs. The key is renamed to the short name
# tfplugindocs looks for.
# Usage: tools/docs-schema.sh BIN_DIR OUT_FILE
set -euo pipefail
bin=$1 out=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target="$(go env GOOS)_$(go env GOARCH)"
plugin="$work/plugins/registry.opentofu.org/hedgehog-terraform/hedgehog/0.0.1/$target"
mkdir -p "$plugin"
go build -o "$plugin/terraform-provider-hedgehog_v0.0.1" .
cat >"$work/main.tf" <<'TF'
terraform {
  required_providers {
    hedgehog = {
      source = "hedgehog-terraform/hedgehog"
    }
  }
}
TF
touch "$work/empty.tfrc"
export TF_CLI_CONFIG_FILE="$work/empty.tfrc" CHECKPOINT_DISABLE=1
"$bin/tofu" -chdir="$work" init -input=false -plugin-dir="$work/plugins" >/dev/null
"$bin/tofu" -chdir="$work" providers schema -json |
	sed 's#"registry.opentofu.org/hedgehog-terraform/hedgehog":#"hedgehog":#' >"$out"
grep -q '"ephemeral_resource_schemas"' "$out" || { echo "docs-schema.sh: no ephemeral resources in the schema" >&2; exit 1; }

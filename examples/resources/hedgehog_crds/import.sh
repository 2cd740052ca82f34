# The CRDs are imported with the fixed ID hedgehog-crds.
terraform import hedgehog_crds.this hedgehog-crds

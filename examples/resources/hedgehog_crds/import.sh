# Adopts the CRDs that are already installed (the ID is always hedgehog-crds):
# from then on this resource upgrades them, and delete_on_destroy may delete them.
terraform import hedgehog_crds.this hedgehog-crds

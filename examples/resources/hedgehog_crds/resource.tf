# Installs the Fabric CRD (and waits until it is served), so that fabrics can
# be created in the same apply.
resource "hedgehog_crds" "this" {}

resource "hedgehog_fabric" "dc1" {
  depends_on = [hedgehog_crds.this]

  name = "dc1"
  asn  = 65100
}

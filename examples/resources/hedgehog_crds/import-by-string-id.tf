import {
  to = hedgehog_crds.this
  id = "hedgehog-crds"
}

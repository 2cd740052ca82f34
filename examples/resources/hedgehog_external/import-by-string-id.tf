import {
  to = hedgehog_external.isp
  id = "isp"
}

import {
  to = hedgehog_gateway_peering.vpc_01__vpc_02
  id = "vpc-01--vpc-02"
}

import {
  to = hedgehog_vpc.vpc_01
  id = "vpc-01"
}

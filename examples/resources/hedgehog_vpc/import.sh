terraform import hedgehog_vpc.vpc_01 vpc-01

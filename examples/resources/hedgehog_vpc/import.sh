terraform import hedgehog_vpc.vpc_1 vpc-1

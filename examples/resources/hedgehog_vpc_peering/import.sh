terraform import hedgehog_vpc_peering.vpc_01__vpc_02 vpc-01--vpc-02

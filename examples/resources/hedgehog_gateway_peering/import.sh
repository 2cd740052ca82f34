terraform import hedgehog_gateway_peering.vpc_01__vpc_02 vpc-01--vpc-02

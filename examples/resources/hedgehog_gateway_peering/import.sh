terraform import hedgehog_gateway_peering.vpc_1__vpc_2 vpc-1--vpc-2

terraform import hedgehog_external_peering.vpc_01_isp vpc-01--isp

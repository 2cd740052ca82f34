terraform import hedgehog_gateway.gw_01 gw-01

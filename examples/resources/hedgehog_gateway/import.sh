terraform import hedgehog_gateway.gateway_2 gateway-2

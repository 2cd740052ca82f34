terraform import hedgehog_external.isp isp

terraform import hedgehog_switch.leaf_01 leaf-01

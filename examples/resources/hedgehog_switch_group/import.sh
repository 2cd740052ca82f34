terraform import hedgehog_switch_group.eslag_1 eslag-1

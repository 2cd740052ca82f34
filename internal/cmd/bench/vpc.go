package main

var vpcScenario = &scenario{Name: "vpc"}

package main

import (
	updatezoo "github.com/gradcheck/gradcheck/properties/zoo"
)

func init() {
	zooSections = append(zooSections, zooSection{
		title:    "update-rule mutants (properties/zoo): trainers with one mistake, against the trainer properties",
		verdict:  "trainer properties",
		caughtBy: "killed by",
		run:      updateMutants,
	})
}

// updateMutants runs the trainer properties against every update-rule
// mutant. A mutant has no location: "caught" means some property killed
// it, and the methods column names the properties that did.
func updateMutants() ([]zooRow, error) {
	var rows []zooRow
	for _, r := range updatezoo.Run(nil) {
		rows = append(rows, zooRow{name: r.Mutant, caught: r.Killed(), methods: r.KilledBy, right: true})
	}
	return rows, nil
}

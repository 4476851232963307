package repo

// The statistics figures an item list can be narrowed to: the items whose
// stored contribution (item_facts) counts in the figure, so that a list
// reached from a figure holds exactly the items the figure counted.

// figureCounts maps a figure to what it counts in an item's facts.
var figureCounts = map[string]string{
	"received": "f.received", "answered": "f.answered", "dispatched": "f.dispatched", "completed": "f.completed",
	"completed_on_time": "f.completed_on_time", "accepted_on_time": "f.accepted_on_time", "replied": "f.replied",
	"rated": "f.rated", "satisfied": "f.satisfied", "basically_satisfied": "f.basically_satisfied",
	"dissatisfied": "f.dissatisfied", "five_star": "f.five_star", "resolved": "f.resolved", "overdue": "f.overdue",
	// the numerator of the satisfaction rate
	"satisfied_any": "f.satisfied + f.basically_satisfied",
}

// FigureNames lists the figures an item list can be narrowed to.
func FigureNames() []string {
	return []string{"received", "answered", "dispatched", "completed", "completed_on_time", "accepted_on_time",
		"replied", "rated", "satisfied", "basically_satisfied", "satisfied_any", "dissatisfied", "five_star",
		"resolved", "overdue"}
}

// figureCondition is the SQL condition on items of a figure's list.
func figureCondition(figure string) (string, bool) {
	count, ok := figureCounts[figure]
	if !ok {
		return "", false
	}
	return "EXISTS (SELECT 1 FROM item_facts f WHERE f.item_id = items.id AND " + count + " > 0)", true
}

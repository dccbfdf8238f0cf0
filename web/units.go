package web

// UnitsPage imports units and successors and deactivates units.
type UnitsPage struct {
	Page
	Flash     string
	FlashArgs []any
	// Result is the outcome of the import just sent, nil before one.
	Result *ImportResult
	Errors map[string]string
}

// ImportResult is a planned (or applied) import, in words.
type ImportResult struct {
	What      string // "units" or "successors"
	Applied   bool
	Adds      []ImportLine
	Changes   []ImportLine
	Unchanged int
	Problems  []ImportLine
}

// ImportLine is one line of an import's result.
type ImportLine struct {
	Line int
	Text string
}

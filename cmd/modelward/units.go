package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"modelward/internal/assess"
	"modelward/internal/units"
	"modelward/internal/words"
)

const unitsUsage = `usage:
  modelward units import --units FILE [--successors FILE] [--dry-run]
files in the format of internal/seed/data/vn (code,kind,type,name,parent_code,valid_from,valid_to;
old_code,new_code,on,share,basis) or the earlier one; refused whole on any problem
`

// cmdUnits imports official lists of units and successors: planned like
// the admin page's import, every problem printed with its line, and
// written in one transaction, or not at all.
func cmdUnits(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return fmt.Errorf("units: say what to do\n%s", unitsUsage)
	}
	fs := flag.NewFlagSet("units import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	unitsFile := fs.String("units", "", "units file")
	successorsFile := fs.String("successors", "", "successors file")
	dryRun := fs.Bool("dry-run", false, "plan only, write nothing")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("units import: %w\n%s", err, unitsUsage)
	}
	if *unitsFile == "" && *successorsFile == "" {
		return fmt.Errorf("units import: give --units, --successors or both\n%s", unitsUsage)
	}
	st, err := openStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	tree, links, err := st.UnitTree(ctx)
	if err != nil {
		return err
	}

	// Files not given stay nil readers.
	var unitsIn, successorsIn io.Reader
	for _, f := range []struct {
		name string
		to   *io.Reader
	}{{*unitsFile, &unitsIn}, {*successorsFile, &successorsIn}} {
		if f.name == "" {
			continue
		}
		file, err := os.Open(f.name)
		if err != nil {
			return err
		}
		defer file.Close()
		*f.to = file
	}
	plan, successors := units.PlanImport(tree, links, unitsIn, successorsIn)
	report := func(file string, problems []units.Problem) {
		for _, p := range problems {
			fmt.Fprintf(stdout, "%s:%d: %s\n", file, p.Line, words.VI.T(p.Key, p.Arg))
		}
	}
	report(*unitsFile, plan.Problems)
	if *unitsFile != "" {
		fmt.Fprintf(stdout, "units: %d to add, %d to change, %d unchanged, %d problems\n",
			len(plan.Adds), len(plan.Changes), plan.Unchanged, len(plan.Problems))
	}
	if successors != nil {
		report(*successorsFile, successors.Problems)
		fmt.Fprintf(stdout, "successors: %d to add, %d unchanged, %d problems\n", len(successors.Adds), successors.Unchanged, len(successors.Problems))
	}
	if !plan.OK() || (successors != nil && !successors.OK()) {
		return errors.New("units import: the files have problems; nothing written")
	}
	if plan.Empty() && (successors == nil || len(successors.Adds) == 0) {
		fmt.Fprintln(stdout, "nothing to change")
		return nil
	}
	if *dryRun {
		fmt.Fprintln(stdout, "dry run: nothing written")
		return nil
	}
	counts, err := st.ApplyImport(ctx, assess.Actor{}, plan, successors)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied: %d units added, %d changed, %d successor links added\n", counts.Added, counts.Changed, counts.Linked)
	return nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"modelward/internal/gen"
	"modelward/internal/seed"
	"modelward/internal/store"
)

// lastYear is the newest year a synthetic country has assessments for.
const lastYear = 2025

// cmdGen fills the database with a synthetic country (after migrate).
func cmdGen(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	wards := fs.Int("wards", 10000, "number of wards")
	years := fs.Int("years", 5, "number of years, ending in 2025")
	seedFlag := fs.Uint64("seed", 1, "random seed: the same seed gives the same country")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if *wards < 1 || *wards > 100000 || *years < 1 || *years > 20 {
		return errors.New("gen: --wards must be from 1 to 100000 and --years from 1 to 20")
	}
	st, err := openStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	if err := generate(ctx, st, *wards, *years, *seedFlag); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated %d wards × %d years in %s\n", *wards, *years, time.Since(start).Round(time.Millisecond))
	return nil
}

func generate(ctx context.Context, st *store.Store, wards, years int, seedValue uint64) error {
	catalogue, err := seed.Criteria2023()
	if err != nil {
		return err
	}
	var ys []int
	for y := lastYear - years + 1; y <= lastYear; y++ {
		ys = append(ys, y)
	}
	return gen.LoadCountry(ctx, st, gen.Country{Wards: wards, Seed: seedValue}, ys, catalogue)
}

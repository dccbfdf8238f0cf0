package main

import (
	"context"
	"fmt"
	"io"
)

const factorUsage = `usage:
  modelward factor reseal
      seals every second factor's secret with the first key of FACTOR_KEY:
      those kept as they are, and those sealed with an older key (listed
      after it); then the older keys may go
`

// cmdFactor looks after the second factors' secrets.
func cmdFactor(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "reseal" {
		return fmt.Errorf("factor: say what to do\n%s", factorUsage)
	}
	st, err := openStore(ctx, getenv)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.ResealFactorSecrets(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "second factors: %d secrets sealed with the first key of FACTOR_KEY\n", n)
	return nil
}

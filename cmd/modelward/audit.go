package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"modelward/internal/store"
)

const auditUsage = `usage:
  modelward audit verify
recomputes the audit log's hash chain and says where it breaks, if it does
`

// cmdAudit checks the audit log: every row's hash over its content and
// the hash before it, in the chain's order.
func cmdAudit(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "verify" {
		return fmt.Errorf("audit: say what to do\n%s", auditUsage)
	}
	url, err := databaseURL(getenv)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, url)
	if err != nil {
		return err
	}
	defer st.Close()
	n, b, err := st.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if b == nil {
		fmt.Fprintf(stdout, "audit log: %d rows, chain intact\n", n)
		return nil
	}
	what := "its link to the row before is broken (a row removed or put in between)"
	if b.Content {
		what = "its content was changed after it was written"
	}
	fmt.Fprintf(stdout, "audit log: broken at row %d (place %d in the chain): %s\n", b.ID, b.Seq, what)
	return errors.New("the audit log's chain is broken")
}

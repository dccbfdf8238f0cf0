package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"modelward/internal/assess"
	"modelward/internal/store"
)

const userUsage = `usage:
  modelward user add --username U --role ROLE --unit CODE [--name "Full name"] [--email A]   (password on stdin)
  modelward user passwd U                                                       (password on stdin)
passwords: at least 14 characters, not easy to guess; the user replaces it at the next sign-in
  modelward user disable U
  modelward user enable U        (also an account disabled after 45 days unused)
roles: ward_officer (unit: a ward), reviewer (a province or district), ministry and admin (VN)
`

// cmdUser manages accounts from the command line. Passwords are read from
// standard input, never from arguments (which other users can see).
func cmdUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("user: say what to do\n%s", userUsage)
	}
	if _, err := databaseURL(getenv); err != nil {
		return err
	}
	cli := assess.Actor{} // the audit log names the command line as "cli"
	switch args[0] {
	case "add":
		fs := flag.NewFlagSet("user add", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		username := fs.String("username", "", "username")
		role := fs.String("role", "", "role")
		unit := fs.String("unit", "", "unit code")
		name := fs.String("name", "", "full name")
		email := fs.String("email", "", "e-mail address, for notices")
		if err := fs.Parse(args[1:]); err != nil {
			return fmt.Errorf("user add: %w\n%s", err, userUsage)
		}
		if err := assess.CheckUsername(*username); err != nil {
			return fmt.Errorf("user add: %w", err)
		}
		if *email != "" && assess.CheckEmail(*email) != nil {
			return fmt.Errorf("user add: --email %q is not an e-mail address", *email)
		}
		if !assess.Role(*role).Valid() {
			return fmt.Errorf("user add: unknown role %q\n%s", *role, userUsage)
		}
		hash, err := readPassword(stdin, *username, *name)
		if err != nil {
			return err
		}
		st, err := openStore(ctx, getenv)
		if err != nil {
			return err
		}
		defer st.Close()
		fullName := *name
		if fullName == "" {
			fullName = *username
		}
		if _, err := st.CreateUser(ctx, cli, store.NewUser{Username: *username, FullName: fullName, Role: *role, UnitCode: *unit, On: time.Now(), PasswordHash: hash, Email: *email}); err != nil {
			return fmt.Errorf("user add: %w", err)
		}
		fmt.Fprintf(stdout, "user %s added\n", *username)
		return nil
	case "passwd", "disable", "enable":
		if len(args) != 2 {
			return fmt.Errorf("user: give one username\n%s", userUsage)
		}
		st, err := openStore(ctx, getenv)
		if err != nil {
			return err
		}
		defer st.Close()
		if args[0] != "passwd" {
			active := args[0] == "enable"
			if err := st.SetActive(ctx, cli, args[1], active); err != nil {
				return fmt.Errorf("user %s: %w", args[0], err)
			}
			fmt.Fprintf(stdout, "user %s %sd\n", args[1], args[0])
			return nil
		}
		hash, err := readPassword(stdin, args[1])
		if err != nil {
			return err
		}
		if err := st.SetPassword(ctx, cli, args[1], hash, ""); err != nil {
			return fmt.Errorf("user passwd: %w", err)
		}
		fmt.Fprintf(stdout, "password of %s changed\n", args[1])
		return nil
	}
	return fmt.Errorf("user: unknown action %q\n%s", args[0], userUsage)
}

// readPassword reads one line from stdin, checks it against the rules for
// a user without a second factor (the strictest: 14 characters, not easy
// to guess, not the user's own names) and hashes it. The user replaces it
// at their next sign-in.
func readPassword(stdin io.Reader, personal ...string) (string, error) {
	if stdin == nil {
		return "", errors.New("give the password on standard input")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if err := assess.CheckPassword(password, false, personal...); err != nil {
		return "", fmt.Errorf("password from stdin: %w", err)
	}
	hash, err := assess.HashPassword(password)
	if err != nil {
		return "", fmt.Errorf("password from stdin: %w", err)
	}
	return hash, nil
}

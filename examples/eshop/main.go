// Command eshop is an HTTP JSON backend of the kind an online clothing
// shop calls, built on tailor: it records orders (earning loyalty points,
// idempotently) and returns (clawing them back), prices baskets with
// coupons and points, runs the complaint workflow, and reads a customer's
// segment, value and churn risk.
//
//	eshop -keys keys.json                      # SQLite file eshop.db
//	eshop -keys keys.json -postgres "$DSN"     # PostgreSQL
//	eshop -keys keys.json -memory -demo 2000    # a generated shop, in memory
//	eshop -newkey shop-web:shop                # print a new key and its keys-file entry
//
// Every request authenticates with an API key (Authorization: Bearer) whose
// role decides what it may do; see README.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tailorcrm/tailor/loyalty"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "eshop:", err)
		os.Exit(1)
	}
}

// run is main with its arguments and outputs, for tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eshop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	dbPath := fs.String("db", "eshop.db", "SQLite database file (created when missing); ignored with -postgres or -memory")
	dsn := fs.String("postgres", "", "PostgreSQL DSN (postgres://user@host:5432/db); replaces -db")
	memory := fs.Bool("memory", false, "keep everything in memory (lost on exit)")
	keysPath := fs.String("keys", "", "API keys file: a JSON array of {id, role, sha256}")
	programmePath := fs.String("programme", "", "loyalty programme JSON (default: the built-in one)")
	couponsPath := fs.String("coupons", "", "coupons JSON array (default: the built-in ones)")
	refresh := fs.Duration("refresh", time.Hour, "how often the population models are refitted (0: only at start and on request)")
	maxBody := fs.Int64("max-body", DefaultMaxBody, "largest request body, in bytes")
	newKey := fs.String("newkey", "", "print a new API key for id:role and its keys-file entry, then exit")
	demo := fs.Int("demo", 0, "before serving, fill the store with a generated shop of this many customers (idempotent)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *newKey != "" {
		id, roleName, _ := strings.Cut(*newKey, ":")
		role, err := ParseRole(roleName)
		if err != nil {
			return err
		}
		key, e, err := NewKey(id, role)
		if err != nil {
			return err
		}
		line, _ := json.Marshal(e)
		fmt.Fprintf(stdout, "key:   %s\nentry: %s\n", key, line)
		return nil
	}
	if *keysPath == "" {
		return errors.New("-keys is required (make keys with -newkey id:role)")
	}
	data, err := os.ReadFile(*keysPath)
	if err != nil {
		return err
	}
	keys, err := DecodeKeys(data)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	cfg := Config{Keys: keys, Logger: log, MaxBody: *maxBody}
	if *programmePath != "" {
		data, err := os.ReadFile(*programmePath)
		if err != nil {
			return err
		}
		if cfg.Programme, err = loyalty.DecodeProgramme(data); err != nil {
			return fmt.Errorf("%s: %w", *programmePath, err)
		}
	}
	if *couponsPath != "" {
		p := cfg.Programme
		if p == nil {
			if p, err = loyalty.DecodeProgramme([]byte(defaultProgramme)); err != nil {
				return err
			}
		}
		data, err := os.ReadFile(*couponsPath)
		if err != nil {
			return err
		}
		if cfg.Coupons, err = decodeCoupons(p, data); err != nil {
			return fmt.Errorf("%s: %w", *couponsPath, err)
		}
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	path := *dbPath
	if *dsn != "" || *memory {
		path = ""
	}
	stores, err := openStores(ctx, path, *dsn)
	if err != nil {
		return err
	}
	defer func() {
		if stores.Close != nil {
			stores.Close()
		}
	}()
	cfg.Stores = stores
	srv, err := NewServer(cfg)
	if err != nil {
		return err
	}
	if *demo > 0 {
		n, err := srv.Seed(ctx, *demo, time.Now())
		if err != nil {
			return fmt.Errorf("demo shop: %w", err)
		}
		log.Info("demo shop generated", "customers", n)
	}
	if _, err := srv.Refresh(ctx); err != nil {
		return fmt.Errorf("fitting the models: %w", err)
	}
	if *refresh > 0 {
		go func() {
			t := time.NewTicker(*refresh)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					if _, err := srv.Refresh(ctx); err != nil {
						log.Error("refresh failed; the previous models stay", "error", err.Error())
					}
				}
			}
		}()
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", "addr", ln.Addr().String(), "store", stores.Name, "keys", len(keys.IDs()))
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hs.Shutdown(shut)
}

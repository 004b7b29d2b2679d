package informixgrpc

import (
	"fmt"
	"net/url"
	"os"
	"strconv"
	"time"
)

// Config is a parsed DSN:
//
//	informixgrpc://HOST:PORT/DATABASE?tls=true&ca=FILE&cert=FILE&key=FILE&server_name=NAME&api_key=KEY&token=JWT&timeout=30s&fetch_size=500
//
// DATABASE is a database configured in the proxy (empty: its default). ca, cert or key imply tls. api_key and
// token default to the IGP_API_KEY and IGP_TOKEN environment variables, ca to IGP_CA; the address to
// IGP_ADDRESS when the DSN has no host.
type Config struct {
	Address    string
	Database   string
	TLS        bool
	CAFile     string
	CertFile   string
	KeyFile    string
	ServerName string
	APIKey     string
	Token      string
	// Timeout applies to calls whose context has no deadline (0: none).
	Timeout   time.Duration
	FetchSize uint32
}

// ParseDSN reads a DSN; see Config.
func ParseDSN(dsn string) (*Config, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, fmt.Errorf("informixgrpc: bad DSN: %w", err)
	}
	if u.Scheme != "informixgrpc" {
		return nil, fmt.Errorf("informixgrpc: DSN must start with informixgrpc://")
	}
	q := u.Query()
	cfg := &Config{
		Address:    u.Host,
		Database:   trimSlash(u.Path),
		CAFile:     first(q.Get("ca"), os.Getenv("IGP_CA")),
		CertFile:   q.Get("cert"),
		KeyFile:    q.Get("key"),
		ServerName: q.Get("server_name"),
		APIKey:     q.Get("api_key"),
		Token:      q.Get("token"),
		Timeout:    30 * time.Second,
	}
	if cfg.Address == "" {
		cfg.Address = first(os.Getenv("IGP_ADDRESS"), "127.0.0.1:50051")
	}
	if cfg.APIKey != "" && cfg.Token != "" {
		return nil, fmt.Errorf("informixgrpc: set api_key or token, not both")
	}
	if cfg.APIKey == "" && cfg.Token == "" {
		cfg.APIKey = os.Getenv("IGP_API_KEY")
		if cfg.APIKey == "" {
			cfg.Token = os.Getenv("IGP_TOKEN")
		}
	}
	if v := q.Get("tls"); v != "" {
		if cfg.TLS, err = strconv.ParseBool(v); err != nil {
			return nil, fmt.Errorf("informixgrpc: tls=%q is not a boolean", v)
		}
	}
	cfg.TLS = cfg.TLS || cfg.CAFile != "" || cfg.CertFile != ""
	if v := q.Get("timeout"); v != "" {
		if cfg.Timeout, err = time.ParseDuration(v); err != nil {
			return nil, fmt.Errorf("informixgrpc: timeout=%q is not a duration", v)
		}
	}
	if v := q.Get("fetch_size"); v != "" {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("informixgrpc: fetch_size=%q is not a number", v)
		}
		cfg.FetchSize = uint32(n)
	}
	return cfg, nil
}

func trimSlash(path string) string {
	for len(path) > 0 && path[0] == '/' {
		path = path[1:]
	}
	return path
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

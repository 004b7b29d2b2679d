package informixgrpc

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"os"
	"sync"

	pb "github.com/informix-grpc-proxy/informix-grpc-proxy/clients/go/gen/informix/proxy/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// DriverName is the name to pass to sql.Open.
const DriverName = "informixgrpc"

func init() { sql.Register(DriverName, &Driver{}) }

// Driver implements driver.Driver and driver.DriverContext.
type Driver struct{}

// Open opens one connection without sharing a channel; sql.Open uses OpenConnector instead.
func (d *Driver) Open(dsn string) (driver.Conn, error) {
	c, err := d.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

// OpenConnector parses the DSN once; all connections of a sql.DB share one gRPC channel.
func (d *Driver) OpenConnector(dsn string) (driver.Connector, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return NewConnector(cfg)
}

// Connector opens proxy sessions over one shared gRPC channel.
type Connector struct {
	cfg    *Config
	once   sync.Once
	conn   *grpc.ClientConn
	client pb.SqlServiceClient
	err    error
}

// NewConnector is for sql.OpenDB(informixgrpc.NewConnector(cfg)).
func NewConnector(cfg *Config) (*Connector, error) {
	if cfg.Address == "" {
		return nil, fmt.Errorf("informixgrpc: no address")
	}
	return &Connector{cfg: cfg}, nil
}

func (c *Connector) dial() {
	creds := insecure.NewCredentials()
	if c.cfg.TLS {
		tc := &tls.Config{ServerName: c.cfg.ServerName, MinVersion: tls.VersionTLS12}
		if c.cfg.CAFile != "" {
			pem, err := os.ReadFile(c.cfg.CAFile)
			if err != nil {
				c.err = fmt.Errorf("informixgrpc: reading ca: %w", err)
				return
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				c.err = fmt.Errorf("informixgrpc: no certificate in %s", c.cfg.CAFile)
				return
			}
			tc.RootCAs = pool
		}
		if c.cfg.CertFile != "" {
			pair, err := tls.LoadX509KeyPair(c.cfg.CertFile, c.cfg.KeyFile)
			if err != nil {
				c.err = fmt.Errorf("informixgrpc: reading client certificate: %w", err)
				return
			}
			tc.Certificates = []tls.Certificate{pair}
		}
		creds = credentials.NewTLS(tc)
	}
	c.conn, c.err = grpc.NewClient(c.cfg.Address, grpc.WithTransportCredentials(creds))
	if c.err == nil {
		c.client = pb.NewSqlServiceClient(c.conn)
	}
}

// Connect opens one proxy session: one pinned database connection of the configured database.
func (c *Connector) Connect(ctx context.Context) (driver.Conn, error) {
	c.once.Do(c.dial)
	if c.err != nil {
		return nil, c.err
	}
	conn := &Conn{connector: c, client: c.client}
	callCtx, cancel := conn.callContext(ctx)
	defer cancel()
	opened, err := c.client.OpenSession(callCtx, &pb.OpenSessionRequest{Database: c.cfg.Database})
	if err != nil {
		return nil, mapError(err, false)
	}
	conn.sessionID = opened.GetSessionId()
	conn.database = opened.GetDatabase()
	conn.serverVersion = opened.GetServerVersion()
	return conn, nil
}

// Driver implements driver.Connector.
func (c *Connector) Driver() driver.Driver { return &Driver{} }

// Close closes the shared channel (sql.DB.Close calls it).
func (c *Connector) Close() error {
	if c.conn != nil {
		return c.conn.Close()
	}
	return nil
}

// withCredentials adds the bearer credential and, without a context deadline, the configured timeout.
func (c *Connector) withCredentials(ctx context.Context) (context.Context, context.CancelFunc) {
	if bearer := c.cfg.APIKey + c.cfg.Token; bearer != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+bearer)
	}
	if _, ok := ctx.Deadline(); !ok && c.cfg.Timeout > 0 {
		return context.WithTimeout(ctx, c.cfg.Timeout)
	}
	return ctx, func() {}
}

package informixgrpc_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// fixtureInfo describes the running proxies (clients/testing/proxy-fixture.ts).
type fixtureInfo struct {
	Plain     string            `json:"plain"`
	Secure    string            `json:"secure"`
	CAFile    string            `json:"caFile"`
	APIKey    string            `json:"apiKey"`
	Databases map[string]string `json:"databases"`
}

var fixture fixtureInfo

var backends = []string{"sqlite", "postgres"}

// TestMain reads IGP_FIXTURE (written by .ci/clients.sh) or starts the fixture itself: the built proxy on the
// embedded SQLite demo and on PostgreSQL, plus a TLS + API key one.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if path := os.Getenv("IGP_FIXTURE"); path != "" {
		data, err := os.ReadFile(path)
		if err == nil {
			err = json.Unmarshal(data, &fixture)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "IGP_FIXTURE:", err)
			return 1
		}
		return m.Run()
	}
	root, _ := filepath.Abs("../..")
	cmd := exec.Command(filepath.Join(root, "node_modules/.bin/node"), "--import", "tsx", "clients/testing/proxy-fixture.ts", "--watch-stdin")
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "starting the proxy fixture:", err)
		return 1
	}
	defer func() {
		_ = stdin.Close()
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, &fixture)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "proxy fixture:", err)
		return 1
	}
	return m.Run()
}

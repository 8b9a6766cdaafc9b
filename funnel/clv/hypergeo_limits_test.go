package clv

import (
	"context"
	"math"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mathext"
)

// TestHypergeo_AgreesWhereItWorks: where gonum's mathext.Hypergeo stays in its domain, it and
// hyp2f1 agree, on the arguments BG/NBD passes.
func TestHypergeo_AgreesWhereItWorks(t *testing.T) {
	for _, p := range []struct{ r, a, b float64 }{{0.2426, 0.7929, 2.4258}, {1.2, 2.5, 6}, {0.05, 0.2, 10}, {3, 2, 4}, {5, 4.3, 0.3}} {
		for _, x := range []float64{0, 1, 5, 30, 200} {
			for _, z := range []float64{1e-6, 0.1, 0.5, 0.9, 0.99} {
				A, B, C := p.a+p.b-1-p.r, p.a-1, p.a+p.b+x-1
				if d := C - A - B; d == math.Round(d) && d >= 171 && z > 0.9 {
					continue // where Hypergeo never returns (see TestHypergeo_DomainLimits)
				}
				got, ok := hyp2f1(A, B, C, z)
				require.True(t, ok)
				require.InEpsilon(t, mathext.Hypergeo(A, B, C, z), got, 1e-12, "2F1(%v, %v; %v; %v)", A, B, C, z)
			}
		}
	}
}

// TestHypergeo_DomainLimits records where mathext.Hypergeo (gonum v0.17.0) cannot serve BG/NBD, the
// reasons hyp2f1 exists. If a gonum upgrade lifts a limit, this test says so.
func TestHypergeo_DomainLimits(t *testing.T) {
	t.Run("NaNFromOneOn", func(t *testing.T) {
		require.True(t, math.IsNaN(mathext.Hypergeo(1, 2, 3, 1)))
		require.True(t, math.IsNaN(mathext.Hypergeo(0.5, 0.5, 1.5, 1.5)))
	})
	t.Run("UntransformedOverflows", func(t *testing.T) {
		// A customer with 400 repeat purchases, CDNOW's parameters, a horizon nine times its age:
		// 2F1(r+x, b+x; a+b+x-1; 0.9) is beyond float64, though (1-z)^(r+x) times it is not.
		r, a, b, x, z := 0.2426, 0.7929, 2.4258, 400.0, 0.9
		require.True(t, math.IsInf(mathext.Hypergeo(r+x, b+x, a+b+x-1, z), 1))
		f, ok := hyp2f1(a+b-1-r, a-1, a+b+x-1, z)
		require.True(t, ok)
		product := math.Pow(1-z, a-1) * f // = (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z)
		require.False(t, math.IsInf(product, 0) || math.IsNaN(product))
		require.InEpsilon(t, math.Pow(1-z, a-1)*refHyp2f1(a+b-1-r, a-1, a+b+x-1, z), product, 1e-13)
	})
	t.Run("NeverReturnsOnAWholeCMinusAMinusB", func(t *testing.T) {
		if testing.Short() {
			t.Skip("runs a child process for two seconds")
		}
		// r = 1, a = 2, b = 0.3 and 200 repeat purchases give 2F1(0.3, 1; 201.3; z): c-a-b = 200. At
		// z = 0.99 Hypergeo takes the psi expansion, whose first term is divided by Gamma(201) = +Inf,
		// and its stopping test 0/0 never holds. Run it in a child process and kill it.
		if os.Getenv("CLV_HYPERGEO_CHILD") == "1" {
			mathext.Hypergeo(0.3, 1, 201.3, 0.99)
			os.Exit(0)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHypergeo_DomainLimits$/^NeverReturnsOnAWholeCMinusAMinusB$")
		cmd.Env = append(os.Environ(), "CLV_HYPERGEO_CHILD=1")
		err := cmd.Run()
		require.Error(t, err, "Hypergeo returned: the limit is lifted")
		require.ErrorIs(t, ctx.Err(), context.DeadlineExceeded, "the child failed otherwise: %v", err)
		got, ok := hyp2f1(0.3, 1, 201.3, 0.99)
		require.True(t, ok)
		require.InEpsilon(t, refHyp2f1(0.3, 1, 201.3, 0.99), got, 1e-13)
	})
}

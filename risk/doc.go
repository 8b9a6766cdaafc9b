// Package risk is supply-chain finance (供应链金融) built on the platform's own trades.
package risk

//go:build amd64 && !noasm

#include "textflag.h"

// AVX2 kernels for the sigmoid layers of a stencil; see kernels_amd64.go.
// Each does its Go loop's operations in the Go loop's order, four lanes at
// a time, with separate multiplies and adds (the Go loops round every
// product, see shiftedSigmoidGo) and the correctly rounded VDIVPD for Go's
// division, so that each lane gets the loop's bits.

#define VEC4(name, bits) \
	DATA name<>+0(SB)/8, bits; \
	DATA name<>+8(SB)/8, bits; \
	DATA name<>+16(SB)/8, bits; \
	DATA name<>+24(SB)/8, bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

VEC4(signbit, $0x8000000000000000)
VEC4(absmask, $0x7fffffffffffffff)
VEC4(epsmax, $0x3ef0000000000000)   // 2⁻¹⁶
VEC4(sixth, $0x3fc5555555555555)    // float64(1.0/6), as Go rounds the constant
VEC4(minarg, $-708.0)
VEC4(log2e, $1.4426950408889634073599246810018920)
VEC4(ln2u, $0.69314718055966295651160180568695068359375)
VEC4(ln2l, $0.28235290563031577122588448175013436025525412068e-12)
VEC4(sixteenth, $0.0625)
VEC4(half, $0.5)
VEC4(one, $1.0)
VEC4(two, $2.0)
VEC4(c3, $1.6666666666666666667e-1)
VEC4(c4, $4.1666666666666666667e-2)
VEC4(c5, $8.3333333333333333333e-3)
VEC4(c6, $1.3888888888888888889e-3)
VEC4(c7, $1.9841269841269841270e-4)
VEC4(c8, $2.4801587301587301587e-5)

DATA bias<>+0(SB)/4, $0x3ff
DATA bias<>+4(SB)/4, $0x3ff
DATA bias<>+8(SB)/4, $0x3ff
DATA bias<>+12(SB)/4, $0x3ff
GLOBL bias<>(SB), RODATA|NOPTR, $16

// func shiftedSigmoidVector(dst, z, t, c []float64, d float64) int
//
// Per lane, as shiftedSigmoidGo: ε = c·d, v = z + ε; if z·v > 0 and
// |ε| ≤ 2⁻¹⁶, x = ε·copysign(1, −z) (ε with the sign bit flipped where z's
// is clear: the product by ±1 is exact, and its sign is the signs' xor),
// e = t·(1 + x·(1 + x·(1/2 + x·(1/6)))), σ = (z > 0 ? 1 : e)/(1 + e). A
// block with a lane outside that domain is left to the Go loop.
TEXT ·shiftedSigmoidVector(SB), NOSPLIT, $0-112
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ z_base+24(FP), SI
	MOVQ t_base+48(FP), DX
	MOVQ c_base+72(FP), R8
	VBROADCASTSD d+96(FP), Y0
	ANDQ $~3, CX
	XORQ AX, AX
	VXORPD  Y15, Y15, Y15
	VMOVUPD signbit<>(SB), Y14
	VMOVUPD absmask<>(SB), Y13
	VMOVUPD epsmax<>(SB), Y12
	VMOVUPD one<>(SB), Y11
	VMOVUPD half<>(SB), Y10
	VMOVUPD sixth<>(SB), Y9

shiftloop:
	CMPQ AX, CX
	JGE  shiftdone
	VMOVUPD (SI)(AX*8), Y1         // z
	VMULPD  (R8)(AX*8), Y0, Y2     // ε = c·d
	VADDPD  Y2, Y1, Y3             // v = z + ε
	VMULPD  Y3, Y1, Y3             // z·v
	VCMPPD  $0x1e, Y15, Y3, Y3     // z·v > 0 (ordered: false for NaN)
	VANDPD  Y13, Y2, Y4            // |ε|
	VCMPPD  $0x12, Y12, Y4, Y4     // |ε| ≤ 2⁻¹⁶ (ordered)
	VANDPD  Y4, Y3, Y3
	VMOVMSKPD Y3, BX
	CMPQ    BX, $15
	JNE     shiftdone

	VANDNPD Y14, Y1, Y5            // ¬z ∧ signbit: the sign bit of −z
	VXORPD  Y5, Y2, Y5             // x
	VMULPD  Y9, Y5, Y6             // x·(1/6)
	VADDPD  Y10, Y6, Y6            // 1/2 + …
	VMULPD  Y6, Y5, Y6             // x·(…)
	VADDPD  Y11, Y6, Y6            // 1 + …
	VMULPD  Y6, Y5, Y6             // x·(…)
	VADDPD  Y11, Y6, Y6            // 1 + …
	VMULPD  (DX)(AX*8), Y6, Y6     // e = t·(…)
	VCMPPD  $0x1e, Y15, Y1, Y7     // z > 0
	VBLENDVPD Y7, Y11, Y6, Y8      // z > 0 ? 1 : e
	VADDPD  Y11, Y6, Y6            // 1 + e
	VDIVPD  Y6, Y8, Y8
	VMOVUPD Y8, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     shiftloop

shiftdone:
	VZEROUPPER
	MOVQ AX, ret+104(FP)
	RET

// func sigmoidVector(dst, z []float64) int
//
// backprop's sigmoidExpVector (backprop/kernels_amd64.s) without its store
// of e: math.Exp's amd64 assembly (GOROOT/src/math/exp_amd64.s, its FMA
// path) four lanes at a time, instruction for instruction, on arguments
// −|z| in [−708, 0], where the scalar code takes neither its not-finite,
// overflow nor subnormal branch; then σ(z) = (z ≥ 0 ? 1 : e)/(1 + e), as
// Sigmoid.ApplyTo.
TEXT ·sigmoidVector(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ z_base+24(FP), SI
	MOVQ z_len+32(FP), CX
	ANDQ $~3, CX
	XORQ AX, AX
	VXORPD Y15, Y15, Y15

sigloop:
	CMPQ AX, CX
	JGE  sigdone
	VMOVUPD (SI)(AX*8), Y0          // z
	VORPD   signbit<>(SB), Y0, Y1   // x = −|z|
	VCMPPD  $0x1d, minarg<>(SB), Y1, Y2 // x ≥ −708, false for NaN
	VMOVMSKPD Y2, BX
	CMPQ    BX, $15
	JNE     sigdone

	// e^x: k = round(x·log2 e), r = (x − k·ln2)/16, then the series.
	VMULPD     log2e<>(SB), Y1, Y2
	VCVTPD2DQY Y2, X3               // k, as CVTSD2SL rounds
	VCVTDQ2PD  X3, Y2
	VMOVAPD    Y1, Y4
	VFNMADD231PD ln2u<>(SB), Y2, Y4
	VFNMADD231PD ln2l<>(SB), Y2, Y4
	VMULPD     sixteenth<>(SB), Y4, Y4
	VMOVUPD    c8<>(SB), Y5
	VFMADD213PD c7<>(SB), Y4, Y5
	VFMADD213PD c6<>(SB), Y4, Y5
	VFMADD213PD c5<>(SB), Y4, Y5
	VFMADD213PD c4<>(SB), Y4, Y5
	VFMADD213PD c3<>(SB), Y4, Y5
	VFMADD213PD half<>(SB), Y4, Y5
	VFMADD213PD one<>(SB), Y4, Y5
	VMULPD     Y5, Y4, Y4
	VADDPD     two<>(SB), Y4, Y5
	VMULPD     Y5, Y4, Y4
	VADDPD     two<>(SB), Y4, Y5
	VMULPD     Y5, Y4, Y4
	VADDPD     two<>(SB), Y4, Y5
	VMULPD     Y5, Y4, Y4
	VADDPD     two<>(SB), Y4, Y5
	VFMADD213PD one<>(SB), Y5, Y4
	// times 2^k, k + 1023 in [1, 1023]
	VPADDD     bias<>(SB), X3, X3
	VPMOVZXDQ  X3, Y6
	VPSLLQ     $52, Y6, Y6
	VMULPD     Y6, Y4, Y4

	// σ(z) = (z ≥ 0 ? 1 : e)/(1 + e)
	VCMPPD    $0x1d, Y15, Y0, Y7
	VBLENDVPD Y7, one<>(SB), Y4, Y8
	VADDPD    one<>(SB), Y4, Y9
	VDIVPD    Y9, Y8, Y8
	VMOVUPD   Y8, (DI)(AX*8)
	ADDQ      $4, AX
	JMP       sigloop

sigdone:
	VZEROUPPER
	MOVQ AX, ret+48(FP)
	RET

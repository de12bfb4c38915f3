//go:build amd64 && !noasm

#include "textflag.h"

// AVX2 kernels for the sigmoid layers and the update; see kernels_amd64.go.
//
// The exponential is math.Exp's amd64 assembly (GOROOT/src/math/exp_amd64.s,
// the path it takes where the CPU has FMA) four lanes at a time, instruction
// for instruction, so that each lane rounds exactly as the scalar code does:
// the same constants, the same products, the same fused multiply-adds in the
// same order. Only arguments in [−708, 0] are computed here, where the scalar
// code takes neither its not-finite, overflow nor subnormal branch; a block of
// four with any other argument (NaN, or below −708) is left to the caller.

#define VEC4(name, bits) \
	DATA name<>+0(SB)/8, bits; \
	DATA name<>+8(SB)/8, bits; \
	DATA name<>+16(SB)/8, bits; \
	DATA name<>+24(SB)/8, bits; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

VEC4(signbit, $0x8000000000000000)
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

// func sigmoidExpVector(dst, e, z []float64) int
TEXT ·sigmoidExpVector(SB), NOSPLIT, $0-80
	MOVQ dst_base+0(FP), DI
	MOVQ e_base+24(FP), DX
	MOVQ z_base+48(FP), SI
	MOVQ z_len+56(FP), CX
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
	VMOVUPD    Y4, (DX)(AX*8)

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
	MOVQ AX, ret+72(FP)
	RET

// func sigmoidDerivVector(d, z, fz, e []float64) int
TEXT ·sigmoidDerivVector(SB), NOSPLIT, $0-104
	MOVQ d_base+0(FP), DI
	MOVQ d_len+8(FP), CX
	MOVQ z_base+24(FP), SI
	MOVQ fz_base+48(FP), R8
	MOVQ e_base+72(FP), DX
	ANDQ $~3, CX
	XORQ AX, AX
	VXORPD Y15, Y15, Y15

derloop:
	CMPQ AX, CX
	JGE  derdone
	// d·(fz·σ(−z)), σ(−z) = (−z ≥ 0 ? 1 : e)/(1 + e) and −z ≥ 0 ⇔ z ≤ 0
	VMOVUPD   (SI)(AX*8), Y0
	VMOVUPD   (DX)(AX*8), Y2
	VCMPPD    $0x12, Y15, Y0, Y1
	VBLENDVPD Y1, one<>(SB), Y2, Y3
	VADDPD    one<>(SB), Y2, Y4
	VDIVPD    Y4, Y3, Y3
	VMULPD    (R8)(AX*8), Y3, Y3
	VMULPD    (DI)(AX*8), Y3, Y3
	VMOVUPD   Y3, (DI)(AX*8)
	ADDQ      $4, AX
	JMP       derloop

derdone:
	VZEROUPPER
	MOVQ AX, ret+96(FP)
	RET

// func updateVector(theta []float64, eta float64, g []float64) int
TEXT ·updateVector(SB), NOSPLIT, $0-64
	MOVQ theta_base+0(FP), DI
	MOVQ theta_len+8(FP), CX
	MOVQ g_base+32(FP), SI
	VBROADCASTSD eta+24(FP), Y0
	ANDQ $~7, CX
	XORQ AX, AX

updloop:
	CMPQ AX, CX
	JGE  upddone
	// θ − fl(η·g), two blocks of four at a time
	VMULPD  (SI)(AX*8), Y0, Y1
	VMULPD  32(SI)(AX*8), Y0, Y2
	VMOVUPD (DI)(AX*8), Y3
	VMOVUPD 32(DI)(AX*8), Y4
	VSUBPD  Y1, Y3, Y3
	VSUBPD  Y2, Y4, Y4
	VMOVUPD Y3, (DI)(AX*8)
	VMOVUPD Y4, 32(DI)(AX*8)
	ADDQ    $8, AX
	JMP     updloop

upddone:
	VZEROUPPER
	MOVQ AX, ret+56(FP)
	RET

// func addToVector(dst, src []float64) int
TEXT ·addToVector(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	ANDQ $~3, CX
	XORQ AX, AX

addloop:
	CMPQ AX, CX
	JGE  adddone
	VMOVUPD (DI)(AX*8), Y0
	VADDPD  (SI)(AX*8), Y0, Y0
	VMOVUPD Y0, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     addloop

adddone:
	VZEROUPPER
	MOVQ AX, ret+48(FP)
	RET

// func scaledDiffVector(dst, a, y []float64, s float64) int
TEXT ·scaledDiffVector(SB), NOSPLIT, $0-88
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	MOVQ a_base+24(FP), SI
	MOVQ y_base+48(FP), DX
	VBROADCASTSD s+72(FP), Y0
	ANDQ $~3, CX
	XORQ AX, AX

difloop:
	CMPQ AX, CX
	JGE  difdone
	// s·(a − y)
	VMOVUPD (SI)(AX*8), Y1
	VSUBPD  (DX)(AX*8), Y1, Y1
	VMULPD  Y1, Y0, Y1
	VMOVUPD Y1, (DI)(AX*8)
	ADDQ    $4, AX
	JMP     difloop

difdone:
	VZEROUPPER
	MOVQ AX, ret+80(FP)
	RET

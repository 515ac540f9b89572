/* SPDX-License-Identifier: MIT */
/*
 * ESR_EL2 decoding (Arm ARM D17.2.37 "ESR_EL2, Exception Syndrome Register").
 * Pure functions: also built into the host unit tests.
 */
#ifndef HYP_ESR_H
#define HYP_ESR_H

#include <stdbool.h>
#include <stdint.h>

#define ESR_EC_SHIFT 26
#define ESR_EC_MASK  0x3fu
#define ESR_IL	     (1u << 25)
#define ESR_ISS_MASK 0x1ffffffu

/* Exception classes Bulkhead handles (table D17-xx). */
#define ESR_EC_UNKNOWN	0x00
#define ESR_EC_WFX	0x01
#define ESR_EC_FP	0x07
#define ESR_EC_ILLEGAL	0x0e
#define ESR_EC_SVC64	0x15
#define ESR_EC_HVC64	0x16
#define ESR_EC_SMC64	0x17
#define ESR_EC_SYSREG	0x18
#define ESR_EC_SVE	0x19 /* CPTR_EL2.TZ: SVE hidden from guests */
#define ESR_EC_SME	0x1d /* CPTR_EL2.TSM: SME hidden from guests */
#define ESR_EC_IABT_LOW 0x20
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_LOW 0x24
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_SERROR	0x2f
#define ESR_EC_BRK	0x3c

/* ISS for EC 0x01 (WFI/WFE): TI bit 0, 0 = WFI */
#define ESR_WFX_TI_WFE 0x1u

/* Data abort ISS fields (D17.2.37, "ISS encoding for a Data Abort"). */
#define ESR_DABT_ISV	   (1u << 24)
#define ESR_DABT_SAS_SHIFT 22
#define ESR_DABT_SAS_MASK  0x3u
#define ESR_DABT_SSE	   (1u << 21)
#define ESR_DABT_SRT_SHIFT 16
#define ESR_DABT_SRT_MASK  0x1fu
#define ESR_DABT_SF	   (1u << 15)
#define ESR_DABT_AR	   (1u << 14)
#define ESR_DABT_FNV	   (1u << 10)
#define ESR_DABT_EA	   (1u << 9)
#define ESR_DABT_CM	   (1u << 8)
#define ESR_DABT_S1PTW	   (1u << 7)
#define ESR_DABT_WNR	   (1u << 6)
#define ESR_DABT_DFSC_MASK 0x3fu

/* Fault status codes (DFSC/IFSC), level in bits [1:0]. */
#define ESR_FSC_TYPE_MASK   0x3cu
#define ESR_FSC_ADDR_SIZE   0x00u
#define ESR_FSC_TRANSLATION 0x04u
#define ESR_FSC_ACCESS	    0x08u
#define ESR_FSC_PERMISSION  0x0cu

/* System register trap ISS (EC 0x18). */
#define ESR_SYS_OP0_SHIFT 20
#define ESR_SYS_OP2_SHIFT 17
#define ESR_SYS_OP1_SHIFT 14
#define ESR_SYS_CRN_SHIFT 10
#define ESR_SYS_RT_SHIFT  5
#define ESR_SYS_CRM_SHIFT 1
#define ESR_SYS_READ	  (1u << 0)

/**
 * struct esr_dabt - a decoded data abort
 * @isv:   syndrome valid: the other access fields are meaningful
 * @size:  access size in bytes (1, 2, 4, 8)
 * @sse:   sign-extend the loaded value
 * @srt:   transfer register (31 = xzr)
 * @sf:    64-bit register
 * @write: store (WnR)
 * @s1ptw: fault on a stage-1 table walk
 * @cm:    cache maintenance
 * @fsc:   fault status code
 */
struct esr_dabt {
	bool isv;
	uint8_t size;
	bool sse;
	uint8_t srt;
	bool sf;
	bool write;
	bool s1ptw;
	bool cm;
	uint8_t fsc;
};

/**
 * struct esr_sysreg - a decoded MSR/MRS trap
 * Encoded as in the instruction, so it compares with SYSREG_ENC().
 */
struct esr_sysreg {
	uint8_t op0, op1, crn, crm, op2;
	uint8_t rt;
	bool read;
};

#define SYSREG_ENC(op0, op1, crn, crm, op2) \
	(((op0) << 16) | ((op1) << 12) | ((crn) << 8) | ((crm) << 4) | (op2))

/* ICC_SGI1R_EL1: S3_0_C12_C11_5 (GICv3 spec IHI0069 §12.2.22). */
#define SYSREG_ICC_SGI1R_EL1  SYSREG_ENC(3, 0, 12, 11, 5)
#define SYSREG_ICC_ASGI1R_EL1 SYSREG_ENC(3, 0, 12, 11, 6)
#define SYSREG_ICC_SGI0R_EL1  SYSREG_ENC(3, 0, 12, 11, 7)

static inline uint32_t esr_ec(uint64_t esr)
{
	return (uint32_t)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

static inline uint32_t esr_iss(uint64_t esr)
{
	return (uint32_t)esr & ESR_ISS_MASK;
}

/**
 * esr_decode_dabt() - decode a data abort syndrome
 * @esr: ESR_EL2 value
 * @out: decoded fields
 * Return: 0, or -EINVAL if @esr is not a data abort.
 */
int esr_decode_dabt(uint64_t esr, struct esr_dabt *out);

/**
 * esr_decode_sysreg() - decode an MSR/MRS trap syndrome
 * Return: 0, or -EINVAL if @esr is not EC 0x18.
 */
int esr_decode_sysreg(uint64_t esr, struct esr_sysreg *out);

static inline uint32_t esr_sysreg_enc(const struct esr_sysreg *s)
{
	return SYSREG_ENC((uint32_t)s->op0, (uint32_t)s->op1, (uint32_t)s->crn, (uint32_t)s->crm,
			  (uint32_t)s->op2);
}

/**
 * esr_dabt_store_value() - the bytes a trapped store writes
 * @d:   decoded syndrome (ISV set)
 * @reg: value of Rt (0 for xzr)
 * Return: @reg truncated to the access size.
 */
uint64_t esr_dabt_store_value(const struct esr_dabt *d, uint64_t reg);

/**
 * esr_dabt_load_value() - what a trapped load leaves in Rt
 * @d:   decoded syndrome (ISV set)
 * @val: the bytes read (low @d->size bytes used)
 * Return: @val zero- or (SSE) sign-extended to 64 bits, then truncated to 32
 * bits for a W register (SF clear).
 */
uint64_t esr_dabt_load_value(const struct esr_dabt *d, uint64_t val);

/** esr_ec_name() - short name of an exception class, for log lines */
const char *esr_ec_name(uint32_t ec);

/**
 * esr_hpfar_to_ipa() - faulting IPA from HPFAR_EL2 and FAR_EL2
 *
 * HPFAR_EL2.FIPA (bits [43:4]) holds IPA[51:12]; the page offset comes from
 * FAR_EL2 (D17.2.64).
 */
static inline uint64_t esr_hpfar_to_ipa(uint64_t hpfar, uint64_t far)
{
	return ((hpfar >> 4) << 12) | (far & 0xfffu);
}

#endif /* HYP_ESR_H */

/*
 * bootgate's guest clock for QEMU: a TCG plugin that counts executed guest instructions and
 * writes the count into QEMU's log (-d plugin) just before every port I/O instruction the
 * guest's serial and keyboard drivers use: `out dx,al`, `in al,dx` and `in al,0x60`.
 *
 * Why: QEMU 7.2 cannot say at which instruction a serial byte was written (its icount can only
 * be read between translation blocks, and record/replay never delivers input with sleep=off).
 * The vCPU thread writes this plugin's line and then, inside the same instruction, QEMU's own
 * trace events (serial_write, serial_read, pckbd_kbd_read_data) into the same log, so each
 * byte the guest wrote or read gets the exact count of instructions that led to it.
 *
 * Counting is per translation block (one inline add at block entry): a block cut short by an
 * exception still counts whole, so the count runs ~0.02 % above QEMU's own icount, but it is
 * deterministic, and it costs ~6 % of wall time where a per-instruction add costs 100 %.
 *
 * Lines: "@o N" before an out, "@i N" before an in, "@end N" when QEMU exits; N counts the
 * instruction itself. Only the QEMU 7.2 plugin API (version 1) declarations used are written
 * out here, so the build needs a C compiler but no QEMU headers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
struct qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op, void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* One vCPU: icount runs TCG single-threaded, so a plain counter is race-free. */
static uint64_t executed;

/* userdata packs (instructions after this one in its block) << 1 | is_in. */
static void on_port_io(unsigned int vcpu_index, void *userdata) {
    uintptr_t packed = (uintptr_t)userdata;
    char line[32];
    (void)vcpu_index;
    snprintf(line, sizeof line, "@%c %llu\n", (packed & 1) ? 'i' : 'o',
             (unsigned long long)(executed - (uint64_t)(packed >> 1)));
    qemu_plugin_outs(line);
}

static void on_exit(qemu_plugin_id_t id, void *userdata) {
    char line[32];
    (void)id;
    (void)userdata;
    snprintf(line, sizeof line, "@end %llu\n", (unsigned long long)executed);
    qemu_plugin_outs(line);
}

static int is_prefix(uint8_t b) {
    return b == 0x66 || b == 0x67 || b == 0xf2 || b == 0xf3 || b == 0x26 || b == 0x2e || b == 0x36 ||
           b == 0x3e || b == 0x64 || b == 0x65;
}

/* 0 = not watched, 1 = out, 2 = in. */
static int watched(const uint8_t *bytes, size_t size) {
    size_t k = 0;
    while (k < size && is_prefix(bytes[k])) k++;
    if (k >= size) return 0;
    if (bytes[k] == 0xee) return 1;                                   /* out dx, al */
    if (bytes[k] == 0xec) return 2;                                   /* in al, dx */
    if (bytes[k] == 0xe4 && k + 1 < size && bytes[k + 1] == 0x60) return 2; /* in al, 0x60 (keyboard data) */
    return 0;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    size_t n = qemu_plugin_tb_n_insns(tb);
    (void)id;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &executed, n);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        int kind = watched(qemu_plugin_insn_data(insn), qemu_plugin_insn_size(insn));
        if (kind == 0) continue;
        uintptr_t packed = ((uintptr_t)(n - 1 - i) << 1) | (uintptr_t)(kind == 2);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_port_io, QEMU_PLUGIN_CB_NO_REGS, (void *)packed);
    }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info,
                                                              int argc, char **argv) {
    (void)info;
    (void)argc;
    (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_exit, NULL);
    return 0;
}

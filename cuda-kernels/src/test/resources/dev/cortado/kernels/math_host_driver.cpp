// Host driver for KernelMathHostTest: runs the kernels' element math (the .cuh headers, compiled for
// the host with __host__/__device__/__forceinline__ defined away) on inputs read from stdin, one
// command per line, and prints the results. Floats and doubles travel as C99 hex literals, so no
// digit is lost; indices as decimal integers.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include "optimizer_math.cuh"
#include "dropout_rng.cuh"
#include "loss_math.cuh"
#include "activation_math.cuh"
#include "tensor_math.cuh"

static float f(char** save) { return strtof(strtok_r(nullptr, " \n", save), nullptr); }
static long long ll(char** save) { return strtoll(strtok_r(nullptr, " \n", save), nullptr, 10); }
static unsigned long long ull(char** save) { return strtoull(strtok_r(nullptr, " \n", save), nullptr, 10); }

static void out_index(long long i) { printf("%lld\n", i); }

static void out(std::initializer_list<float> values) {
    bool first = true;
    for (float v : values) {
        printf(first ? "%a" : " %a", (double) v);
        first = false;
    }
    printf("\n");
}

int main() {
    char line[1 << 16];
    while (fgets(line, sizeof line, stdin)) {
        char* save = nullptr;
        char* cmd = strtok_r(line, " \n", &save);
        if (!cmd) continue;
        if (!strcmp(cmd, "sgd")) {
            float w = f(&save), g = f(&save), lr = f(&save), wd = f(&save);
            cortado_sgd(&w, g, lr, wd);
            out({w});
        } else if (!strcmp(cmd, "momentum")) {
            float w = f(&save), v = f(&save), g = f(&save), lr = f(&save), rho = f(&save);
            int nesterov = (int) ll(&save);
            float wd = f(&save);
            cortado_momentum(&w, &v, g, lr, rho, nesterov, wd);
            out({w, v});
        } else if (!strcmp(cmd, "adagrad")) {
            float w = f(&save), c = f(&save), g = f(&save), lr = f(&save), eps = f(&save), wd = f(&save);
            cortado_adagrad(&w, &c, g, lr, eps, wd);
            out({w, c});
        } else if (!strcmp(cmd, "adadelta")) {
            float w = f(&save), eg = f(&save), ed = f(&save), g = f(&save), lr = f(&save), rho = f(&save),
                  eps = f(&save), wd = f(&save);
            cortado_adadelta(&w, &eg, &ed, g, lr, rho, eps, wd);
            out({w, eg, ed});
        } else if (!strcmp(cmd, "rmsprop")) {
            float w = f(&save), c = f(&save), g = f(&save), lr = f(&save), rho = f(&save), eps = f(&save),
                  wd = f(&save);
            cortado_rmsprop(&w, &c, g, lr, rho, eps, wd);
            out({w, c});
        } else if (!strcmp(cmd, "adam")) {
            float w = f(&save), m = f(&save), v = f(&save), g = f(&save), lr = f(&save), b1 = f(&save),
                  b2 = f(&save), eps = f(&save), wd = f(&save);
            int decoupled = (int) ll(&save);
            float bc1 = f(&save), bc2 = f(&save);
            cortado_adam(&w, &m, &v, g, lr, b1, b2, eps, wd, decoupled, bc1, bc2);
            out({w, m, v});
        } else if (!strcmp(cmd, "l1")) {
            float g = f(&save), w = f(&save), s = f(&save);
            out({cortado_l1_gradient(g, w, s)});
        } else if (!strcmp(cmd, "rng")) {
            unsigned long long seed = ull(&save), index = ull(&save);
            float p = f(&save), scale = f(&save);
            printf("%llu %a %a\n", cortado_rng_hash(seed, index), (double) cortado_rng_uniform(seed, index),
                   (double) cortado_dropout_mask(seed, index, p, scale));
        } else if (!strcmp(cmd, "label")) {
            float label = f(&save);
            int classes = (int) ll(&save);
            float nan = cortado_nan();
            out({cortado_is_class_index(label, classes) ? 1.0f : 0.0f, nan != nan ? 1.0f : 0.0f});
        } else if (!strcmp(cmd, "xent")) {
            int classes = (int) ll(&save), label = (int) ll(&save);
            float smoothing = f(&save), inv_batch = f(&save);
            std::vector<float> x(classes), grad(classes);
            for (int c = 0; c < classes; c++) x[c] = f(&save);
            float loss = cortado_softmax_xent_row(x.data(), classes, label, smoothing, inv_batch, grad.data());
            printf("%a", (double) loss);
            for (int c = 0; c < classes; c++) printf(" %a", (double) grad[c]);
            printf("\n");
        } else if (!strcmp(cmd, "bce")) {
            float z = f(&save), t = f(&save), inv = f(&save);
            out({cortado_bce_logits(z, t), cortado_bce_logits_grad(z, t, inv)});
        } else if (!strcmp(cmd, "mse")) {
            float p = f(&save), t = f(&save), inv = f(&save);
            out({cortado_squared_error(p, t), cortado_squared_error_grad(p, t, inv)});
        } else if (!strcmp(cmd, "act")) {
            int kind = (int) ll(&save);
            float alpha = f(&save), x = f(&save);
            float y = cortado_activation(kind, alpha, x);
            out({y, cortado_activation_derivative(kind, alpha, x, y)});
        } else if (!strcmp(cmd, "normalize_pixel")) {
            unsigned char p = (unsigned char) ll(&save);
            float mean = f(&save), std = f(&save);
            out({cortado_normalize_pixel(p, mean, std)});
        } else if (!strcmp(cmd, "clamp")) {
            float v = f(&save), lo = f(&save), hi = f(&save);
            out({cortado_clamp(v, lo, hi)});
        } else if (!strcmp(cmd, "channel_of")) {
            long long i = ll(&save);
            int channels = (int) ll(&save);
            long long spatial = ll(&save);
            out_index(cortado_channel_of(i, channels, spatial));
        } else if (!strcmp(cmd, "channel_element")) {
            long long j = ll(&save);
            int c = (int) ll(&save), channels = (int) ll(&save);
            long long spatial = ll(&save);
            out_index(cortado_channel_element(j, c, channels, spatial));
        } else if (!strcmp(cmd, "part_in_whole")) {
            long long i = ll(&save);
            int whole = (int) ll(&save), part = (int) ll(&save), offset = (int) ll(&save);
            long long spatial = ll(&save);
            out_index(cortado_part_in_whole(i, whole, part, offset, spatial));
        } else if (!strcmp(cmd, "reduce")) {
            // Both passes over one partial: the elements fold into it as reduce_partial's threads fold
            // theirs, then reduce_final combines it with its own identity.
            int op = (int) ll(&save), n = (int) ll(&save);
            double acc = cortado_reduce_identity(op);
            for (int i = 0; i < n; i++) acc = cortado_reduce_combine(op, acc, cortado_reduce_term(op, f(&save)));
            int final_op = cortado_reduce_final_op(op);
            printf("%a\n", cortado_reduce_combine(final_op, cortado_reduce_identity(final_op), acc));
        } else if (!strcmp(cmd, "argmax")) {
            int classes = (int) ll(&save);
            std::vector<float> row(classes);
            for (int c = 0; c < classes; c++) row[c] = f(&save);
            out_index(cortado_argmax(row.data(), classes));
        } else if (!strcmp(cmd, "topk")) {
            int classes = (int) ll(&save);
            float label = f(&save);
            int k = (int) ll(&save);
            std::vector<float> row(classes);
            for (int c = 0; c < classes; c++) row[c] = f(&save);
            out({cortado_topk_hit(row.data(), classes, label, k)});
        } else {
            fprintf(stderr, "unknown command %s\n", cmd);
            return 2;
        }
    }
    return 0;
}

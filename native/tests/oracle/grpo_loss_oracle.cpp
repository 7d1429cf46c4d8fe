// An independent oracle for the GRPO loss: TRL's GRPOTrainer._compute_loss written in torch ops and
// differentiated by libtorch's autograd. The Java test GrpoLossAutogradOracleTest writes cases to stdin and
// compares the loss and dLoss/dlogp that dev.sqlrl.train.grpo.GrpoLoss derives by hand with what this prints.
// It shares no code with GrpoLoss, so a sign or normalization error there cannot hide in both.
// Test tool, not part of libsqlrl: the text parsing here never reaches the library (native does math only).
//
// Input (whitespace-separated, one case after another until end of input):
//   case LOSS_TYPE EPS_LOW EPS_HIGH BETA MAX_COMPLETION_LENGTH MASK_TRUNCATED(0|1) GA_STEPS DAPO_NORMALIZER N
//   then N completions, each: ADVANTAGE TRUNCATED(0|1) LENGTH HAS_OLD(0|1) HAS_REF(0|1)
//     followed by LENGTH policy log-probs, LENGTH old log-probs if HAS_OLD, LENGTH reference log-probs if HAS_REF
// Output per case: "loss VALUE", then one line per completion with its LENGTH gradients.
#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Completion {
    double advantage = 0;
    bool truncated = false;
    std::vector<double> policy, old, reference;
};

struct Case {
    std::string loss_type;
    double eps_low = 0, eps_high = 0, beta = 0;
    long max_completion_length = 0;
    bool mask_truncated = false;
    long ga_steps = 1;
    double dapo_normalizer = 0;
    std::vector<Completion> completions;
};

std::vector<double> read_values(std::istream& in, long n) {
    std::vector<double> values(static_cast<size_t>(n));
    for (auto& v : values) {
        if (!(in >> v)) throw std::runtime_error("truncated input");
    }
    return values;
}

bool read_case(std::istream& in, Case& c) {
    std::string tag;
    if (!(in >> tag)) return false;
    if (tag != "case") throw std::runtime_error("expected 'case', got '" + tag + "'");
    long n = 0;
    int mask_truncated = 0;
    in >> c.loss_type >> c.eps_low >> c.eps_high >> c.beta >> c.max_completion_length >> mask_truncated >> c.ga_steps
        >> c.dapo_normalizer >> n;
    if (!in) throw std::runtime_error("malformed case header");
    c.mask_truncated = mask_truncated != 0;
    c.completions.assign(static_cast<size_t>(n), Completion{});
    for (auto& completion : c.completions) {
        int truncated = 0, has_old = 0, has_ref = 0;
        long length = 0;
        in >> completion.advantage >> truncated >> length >> has_old >> has_ref;
        if (!in) throw std::runtime_error("malformed completion header");
        completion.truncated = truncated != 0;
        completion.policy = read_values(in, length);
        if (has_old) completion.old = read_values(in, length);
        if (has_ref) completion.reference = read_values(in, length);
    }
    return true;
}

/** [N, T] padded with `fill`; rows without values (old or reference absent) stay `fill`. */
torch::Tensor padded(const std::vector<Completion>& cs, std::vector<double> Completion::*field, long width, double fill) {
    auto out = torch::full({static_cast<long>(cs.size()), width}, fill, torch::kFloat64);
    auto acc = out.accessor<double, 2>();
    for (size_t i = 0; i < cs.size(); ++i) {
        const auto& values = cs[i].*field;
        for (size_t t = 0; t < values.size(); ++t) acc[i][t] = values[t];
    }
    return out;
}

void solve(const Case& c) {
    const long n = static_cast<long>(c.completions.size());
    long width = 1;
    for (const auto& completion : c.completions) width = std::max<long>(width, completion.policy.size());
    auto opts = torch::TensorOptions().dtype(torch::kFloat64);

    auto logp = padded(c.completions, &Completion::policy, width, 0.0).requires_grad_(true);
    auto mask = torch::zeros({n, width}, opts);
    auto has_old = torch::zeros({n, 1}, torch::kBool);
    auto advantages = torch::zeros({n, 1}, opts);
    for (long i = 0; i < n; ++i) {
        const auto& completion = c.completions[static_cast<size_t>(i)];
        mask.index_put_({i, torch::indexing::Slice(0, static_cast<long>(completion.policy.size()))}, 1.0);
        // TRL: mask_truncated_completions zeroes the whole completion's mask
        if (c.mask_truncated && completion.truncated) mask.index_put_({i}, 0.0);
        has_old.index_put_({i, 0}, !completion.old.empty());
        advantages.index_put_({i, 0}, completion.advantage);
    }
    // TRL: old_per_token_logps = per_token_logps.detach() when the samples are fresh (num_iterations 1)
    auto old = torch::where(has_old, padded(c.completions, &Completion::old, width, 0.0), logp.detach());
    auto coef_1 = torch::exp(logp - old);
    auto coef_2 = torch::clamp(coef_1, 1 - c.eps_low, 1 + c.eps_high);
    auto per_token_loss = -torch::minimum(coef_1 * advantages, coef_2 * advantages);
    if (c.beta != 0.0) {
        auto ref = padded(c.completions, &Completion::reference, width, 0.0);
        auto per_token_kl = torch::exp(ref - logp) - (ref - logp) - 1;
        per_token_loss = per_token_loss + c.beta * per_token_kl;
    }
    auto masked = per_token_loss * mask;
    torch::Tensor loss;
    if (c.loss_type == "grpo") {
        loss = (masked.sum(-1) / mask.sum(-1).clamp_min(1.0)).mean() / static_cast<double>(c.ga_steps);
    } else if (c.loss_type == "bnpo") {
        loss = masked.sum() / mask.sum().clamp_min(1.0) / static_cast<double>(c.ga_steps);
    } else if (c.loss_type == "dr_grpo") {
        loss = masked.sum() / static_cast<double>(n * c.max_completion_length) / static_cast<double>(c.ga_steps);
    } else if (c.loss_type == "dapo") {
        loss = masked.sum() / c.dapo_normalizer;  // TRL: num_items_in_batch, already over all micro-batches
    } else {
        throw std::runtime_error("unknown loss type " + c.loss_type);
    }
    loss.backward();
    auto grad = logp.grad();
    std::printf("loss %.17g\n", loss.item<double>());
    for (long i = 0; i < n; ++i) {
        const size_t length = c.completions[static_cast<size_t>(i)].policy.size();
        for (size_t t = 0; t < length; ++t) {
            std::printf(t == 0 ? "%.17g" : " %.17g", grad.index({i, static_cast<long>(t)}).item<double>());
        }
        std::printf("\n");
    }
}

}  // namespace

int main() {
    try {
        Case c;
        while (read_case(std::cin, c)) solve(c);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "grpo_loss_oracle: %s\n", e.what());
        return 1;
    }
}

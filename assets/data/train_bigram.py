#!/usr/bin/env python3
"""Trains a character-level bigram language model on Portuguese text and logs
its loss: the data behind scenes/03-loop-treinamento.ron (loss.csv).

A real, tiny training run, pure Python (no numpy), deterministic:
- corpus: corpus-pt.txt (Portuguese prose written for this purpose, public domain);
- model: a table of logits W[prev_char][next_char] (vocab V ⇒ V² parameters),
  i.e. the simplest language model, trained with the same loop as an LLM:
  batch → forward (softmax) → cross-entropy loss → backward (gradient) → update (Adam);
- split: first 90% of the characters for training, last 10% for validation;
- one epoch = the training pairs cut into BATCHES_PER_EPOCH batches, shuffled
  each epoch with a fixed seed.
Logged per step: the training loss of that batch and the loss on the whole
validation set, both in nats (natural log), as in the chapter.

Run: python3 assets/data/train_bigram.py > assets/data/loss.csv
"""
import math
import random

EPOCHS = 4
BATCHES_PER_EPOCH = 12
LR = 0.5
SEED = 5


def main():
    here = __file__.rsplit("/", 1)[0]
    text = open(f"{here}/corpus-pt.txt", encoding="utf-8").read().lower()
    text = " ".join(text.split())
    vocab = sorted(set(text))
    index = {c: i for i, c in enumerate(vocab)}
    ids = [index[c] for c in text]
    cut = int(len(ids) * 0.9)
    train = list(zip(ids[: cut - 1], ids[1:cut]))
    val = list(zip(ids[cut:-1], ids[cut + 1 :]))
    V = len(vocab)
    W = [[0.0] * V for _ in range(V)]
    m = [[0.0] * V for _ in range(V)]
    v = [[0.0] * V for _ in range(V)]
    rng = random.Random(SEED)

    def softmax(row):
        mx = max(row)
        e = [math.exp(x - mx) for x in row]
        s = sum(e)
        return [x / s for x in e]

    def loss_of(pairs):
        total = 0.0
        for a, b in pairs:
            total -= math.log(softmax(W[a])[b])
        return total / len(pairs)

    print("step,epoch,train,val")
    print(f"0,0,{loss_of(train[:512]):.4f},{loss_of(val):.4f}")
    step, t = 0, 0
    b1, b2, eps = 0.9, 0.999, 1e-8
    for epoch in range(1, EPOCHS + 1):
        order = train[:]
        rng.shuffle(order)
        size = len(order) // BATCHES_PER_EPOCH
        for k in range(BATCHES_PER_EPOCH):
            batch = order[k * size : (k + 1) * size]
            # forward + loss
            grads = {}
            loss = 0.0
            for a, b in batch:
                p = softmax(W[a])
                loss -= math.log(p[b])
                g = grads.setdefault(a, [0.0] * V)
                for j in range(V):
                    g[j] += p[j] - (1.0 if j == b else 0.0)
            loss /= len(batch)
            # backward done above (dL/dlogits = p - onehot); update with Adam
            t += 1
            for a, g in grads.items():
                for j in range(V):
                    gj = g[j] / len(batch)
                    m[a][j] = b1 * m[a][j] + (1 - b1) * gj
                    v[a][j] = b2 * v[a][j] + (1 - b2) * gj * gj
                    mh = m[a][j] / (1 - b1**t)
                    vh = v[a][j] / (1 - b2**t)
                    W[a][j] -= LR * 0.1 * mh / (math.sqrt(vh) + eps)
            step += 1
            print(f"{step},{epoch},{loss:.4f},{loss_of(val):.4f}")


if __name__ == "__main__":
    main()

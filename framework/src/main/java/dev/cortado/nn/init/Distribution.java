package dev.cortado.nn.init;

/** The shape of a variance-scaling initializer's draw: U(-√3·σ, √3·σ) or N(0, σ²), both of variance σ². */
public enum Distribution { UNIFORM, NORMAL }

package dev.cortado.nn;

/** Training uses dropout and batch statistics; evaluation turns dropout off and uses running statistics. */
public enum Mode { TRAIN, EVAL }

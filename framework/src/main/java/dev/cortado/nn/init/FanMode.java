package dev.cortado.nn.init;

/**
 * Which fan a variance-scaling initializer divides by: fan-in keeps the forward activations' variance
 * (He et al. 2015), fan-out the backward gradients', and their average is Glorot and Bengio's (2010)
 * compromise.
 */
public enum FanMode { FAN_IN, FAN_OUT, FAN_AVERAGE }

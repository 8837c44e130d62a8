package dev.cortado.backend;

/** The pooling modes of cuDNN: average pooling either counts padded cells or ignores them. */
public enum PoolMode { MAX, AVERAGE_INCLUDE_PADDING, AVERAGE_EXCLUDE_PADDING }

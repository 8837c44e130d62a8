package dev.cortado.models;

import java.util.List;
import java.util.Map;

/**
 * One layer of a config after blocks are expanded: its type, its full name ("stage2.0.conv1"), the
 * full names of its inputs ("input" for the network input) and its remaining keys, still carrying
 * their lines and variable scope for error messages.
 */
public record LayerEntry(String type, String name, List<String> inputs, Map<String, ConfigNode> params,
                         ConfigNode origin) {
}

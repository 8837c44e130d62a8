/**
 * The data pipeline, on the host: datasets, augmentation and the batch loader.
 *
 * <p>Datasets ({@link dev.cortado.data.Dataset}) keep samples compactly and read one sample at a time
 * as floats in [0, 1], CHW: {@link dev.cortado.data.IdxDataset} (MNIST, Fashion-MNIST),
 * {@link dev.cortado.data.CifarDataset} (CIFAR-10/100 binaries) and
 * {@link dev.cortado.data.ImageFolderDataset} (one subfolder per class). {@link dev.cortado.data.DatasetFormat}
 * detects which one a directory holds; a malformed or missing file raises a
 * {@link dev.cortado.data.DatasetFormatException} naming the file, the problem and the remedy.
 *
 * <p>{@link dev.cortado.data.DataLoader} shuffles by (seed, epoch), applies an
 * {@link dev.cortado.data.AugmentationPipeline} per sample with randomness drawn from (seed, epoch,
 * sample), and fills reused {@link dev.cortado.data.Batch} buffers on parallel worker threads (the
 * batches are the same for any number of workers). The trainer
 * copies {@code batch.images()} to the device; its {@link dev.cortado.data.LoaderPosition} goes into the
 * checkpoint so a resumed run sees the same batches.
 *
 * <pre>{@code
 * DatasetSplits data = DatasetFormat.openDetected(Path.of("/usr/share/datasets/fashion-mnist"), null);
 * try (DataLoader train = DataLoader.builder(data.train())
 *         .batchSize(64).seed(42)
 *         .augmentation(new RandomCrop(28, 28, 2), HorizontalFlip.half(), Normalize.FASHION_MNIST)
 *         .build()) {
 *     for (int epoch = 0; epoch < 5; epoch++) {
 *         for (Batch batch : train.epoch()) {
 *             // copy batch.images() (batch.shape(), NCHW) and batch.labels() to the device, train a step
 *         }
 *     }
 * }
 * }</pre>
 */
package dev.cortado.data;

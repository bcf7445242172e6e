# axon plot --raster — spike raster of a trace: time horizontally (one unit
# per token, T steps inside it), neurons (input channels) vertically; +1
# spikes black, -1 spikes vermilion, silence white (like SpikingBrain's
# firing maps). Driven by cli/cmd_plot_raster.c, which sets with -e:
#   datafile (matrix: a row per neuron, a column per time step), outfile,
#   term ('png'/'svg'), T (steps per token), tok0, neuron0 (first shown),
#   plottitle
if (term eq 'svg') {
    set terminal svg size 1200,720 dynamic font 'DejaVu Sans,13' background rgb 'white'
} else {
    set terminal pngcairo size 1400,840 font 'DejaVu Sans,13' background rgb 'white'
}
set termoption noenhanced
set output outfile
set title plottitle font ',14'
set xlabel sprintf('time: token index (each token = %d time steps)', T)
set ylabel 'neuron (input channel)'
set palette defined (0 '#D55E00', 1 '#FFFFFF', 2 '#000000')
set cbrange [-1.5:1.5]
set palette maxcolors 3
set cbtics ('-1' -1, '0' 0, '+1' 1) scale 0
set cblabel 'spike'
set tics out nomirror
set border lw 1.2
set autoscale xfix
set autoscale yfix
set yrange [*:*] reverse
set mxtics T > 1 ? T : 2
plot datafile matrix using (tok0 + ($1 + 0.5) / T):(neuron0 + $2):3 with image notitle

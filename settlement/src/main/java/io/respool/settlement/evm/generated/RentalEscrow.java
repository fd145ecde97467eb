// GENERATED FILE - DO NOT EDIT. Regenerate with settlement/regen-wrappers.sh, which runs
// org.web3j.codegen.SolidityFunctionWrapperGenerator (org.web3j:codegen:5.0.2) --abiFuncs
// on contracts/ethereum/abi/RentalEscrow.abi and RentalEscrow.bin.
package io.respool.settlement.evm.generated;

import io.reactivex.Flowable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import javax.annotation.processing.Generated;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.CustomError;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint40;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.RemoteCall;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.BaseEventResponse;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple6;
import org.web3j.tx.Contract;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;

/**
 * <p>Auto generated code.
 * <p><strong>Do not modify!</strong>
 * <p>Please use the <a href="https://docs.web3j.io/command_line.html">web3j command line tools</a>,
 * or the org.web3j.codegen.SolidityFunctionWrapperGenerator in the 
 * <a href="https://github.com/LFDT-web3j/web3j/tree/main/codegen">codegen module</a> to update.
 *
 * <p>Generated with web3j version 5.0.2.
 */
@SuppressWarnings("rawtypes")
@Generated("org.web3j.codegen.SolidityFunctionWrapperGenerator")
public class RentalEscrow extends Contract {
    public static final String BINARY = "610100604052348015610010575f5ffd5b5060405161298a38038061298a83398101604081905261002f91610218565b84846001600160a01b038216158061004e57506001600160a01b038116155b1561006c5760405163d92e233d60e01b815260040160405180910390fd5b5f80546001600160a01b03199081166001600160a01b03858116918217845560028054909316908516179091556040519091907f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e0908290a36040516001600160a01b038216905f907fd58299b712891143e76310d5e664c4203c940a67db37cf856bdaa3c5c76a802c908290a350506001600160a01b0383166101225760405163d92e233d60e01b815260040160405180910390fd5b6103e861ffff8316111561015c576040516373ab893560e11b815261ffff831660048201526103e860248201526044015b60405180910390fd5b62278d0081111561018c576040516336990c1b60e21b81526004810182905262278d006024820152604401610153565b6001600160a01b038616158015906101ac57506001600160a01b0386163b155b156101d55760405163f0ae59ab60e01b81526001600160a01b0387166004820152602401610153565b6001600160a01b039586166080529190941660a05261ffff90931660c052505060e05261028b565b80516001600160a01b0381168114610213575f5ffd5b919050565b5f5f5f5f5f5f60c0878903121561022d575f5ffd5b610236876101fd565b9550610244602088016101fd565b9450610252604088016101fd565b9350610260606088016101fd565b9250608087015161ffff81168114610276575f5ffd5b8092505060a087015190509295509295509295565b60805160a05160c05160e05161267f61030b5f395f81816101820152818161136c015261166001525f81816101c80152610afa01525f81816102940152818161076701526111e501525f81816105340152818161088b01528181610d1c01528181610d8d01528181610f6a015281816114c00152611a1a015261267f5ff3fe60806040526004361061016d575f3560e01c80638da5cb5b116100c6578063d55be8c61161007c578063e6fe2fe711610057578063e6fe2fe7146104f1578063f2fde38b14610504578063fc0c546a14610523575f5ffd5b8063d55be8c6146103d8578063d978f6ad146103ed578063e30c3978146104c5575f5ffd5b8063b0620f5b116100ac578063b0620f5b14610384578063b3ab15fb1461039a578063c4044329146103b9575f5ffd5b80638da5cb5b1461033a57806396afb36514610365575f5ffd5b806361d027b311610126578063758072501161010157806375807250146102e857806379ba50971461030757806379f48d4c1461031b575f5ffd5b806361d027b31461028357806363300073146102b65780637249fbb6146102c9575f5ffd5b806325df05ed1161015657806325df05ed146101fd5780633ccfd60b1461021e578063570ca73514610232575f5ffd5b80631eefddb11461017157806324a9d853146101b7575b5f5ffd5b34801561017c575f5ffd5b506101a47f000000000000000000000000000000000000000000000000000000000000000081565b6040519081526020015b60405180910390f35b3480156101c2575f5ffd5b506101ea7f000000000000000000000000000000000000000000000000000000000000000081565b60405161ffff90911681526020016101ae565b348015610208575f5ffd5b5061021c610217366004612310565b610556565b005b348015610229575f5ffd5b5061021c61079d565b34801561023d575f5ffd5b5060025461025e9073ffffffffffffffffffffffffffffffffffffffff1681565b60405173ffffffffffffffffffffffffffffffffffffffff90911681526020016101ae565b34801561028e575f5ffd5b5061025e7f000000000000000000000000000000000000000000000000000000000000000081565b61021c6102c43660046123b8565b6108c0565b3480156102d4575f5ffd5b5061021c6102e33660046123f9565b610db3565b3480156102f3575f5ffd5b506101a4610302366004612410565b610fa1565b348015610312575f5ffd5b5061021c610fe5565b348015610326575f5ffd5b5061021c610335366004612429565b6110b1565b348015610345575f5ffd5b505f5461025e9073ffffffffffffffffffffffffffffffffffffffff1681565b348015610370575f5ffd5b5061021c61037f3660046123f9565b61121c565b34801561038f575f5ffd5b506101a462278d0081565b3480156103a5575f5ffd5b5061021c6103b4366004612410565b6114e6565b3480156103c4575f5ffd5b506101a46103d33660046123f9565b611610565b3480156103e3575f5ffd5b506101ea6103e881565b3480156103f8575f5ffd5b506104b36104073660046123f9565b5f908152600360205260409020805460019091015473ffffffffffffffffffffffffffffffffffffffff808316939082169274010000000000000000000000000000000000000000928390046bffffffffffffffffffffffff1692810464ffffffffff1691790100000000000000000000000000000000000000000000000000820461ffff16917b01000000000000000000000000000000000000000000000000000000900460ff1690565b6040516101ae969594939291906124af565b3480156104d0575f5ffd5b5060015461025e9073ffffffffffffffffffffffffffffffffffffffff1681565b61021c6104ff36600461250a565b6116a4565b34801561050f575f5ffd5b5061021c61051e366004612410565b611a53565b34801561052e575f5ffd5b5061025e7f000000000000000000000000000000000000000000000000000000000000000081565b60025473ffffffffffffffffffffffffffffffffffffffff1633146105a7576040517f7c214f0400000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60ff5f5c16156105e3576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d50828114610639576040517fab8b67c600000000000000000000000000000000000000000000000000000000815260048101849052602481018290526044015b60405180910390fd5b5f5f5b8481101561075b575f60035f88888581811061065a5761065a61253c565b602090810292909201358352508101919091526040015f2080549091507b01000000000000000000000000000000000000000000000000000000900460ff1660018160038111156106ad576106ad612449565b14610709578787848181106106c4576106c461253c565b905060200201357fb35ca853e4e23458ee9aafe055d2c0e8a028ede7584ffeb00ac71178d39dc113826040516106fa9190612569565b60405180910390a25050610753565b6107448289898681811061071f5761071f61253c565b905060200201358888878181106107385761073861253c565b90506020020135611b18565b61074e90856125aa565b935050505b60010161063c565b50801561078c5761078c7f000000000000000000000000000000000000000000000000000000000000000082611ce9565b505f60ff19815c16815d5050505050565b60ff5f5c16156107d9576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d50335f9081526004602052604090205460018111610830576040517fd0d04f6000000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b335f90815260046020526040812060019081905561084e90836125bd565b60405181815290915033907f7084f5476618d8e60b11ef0d7d3f06914655adb8793e28ff7f018d4c76d505d59060200160405180910390a26108b17f00000000000000000000000000000000000000000000000000000000000000003383611d55565b505f905060ff19815c16815d50565b60ff5f5c16156108fc576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d50805f03610943576040517f1f2a200500000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b6bffffffffffffffffffffffff81111561098c576040517f08083b2a00000000000000000000000000000000000000000000000000000000815260048101829052602401610630565b73ffffffffffffffffffffffffffffffffffffffff831615806109c4575073ffffffffffffffffffffffffffffffffffffffff831630145b15610a13576040517f1cf8e9f800000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff84166004820152602401610630565b428264ffffffffff1611610a62576040517fe5df2bc500000000000000000000000000000000000000000000000000000000815264ffffffffff83166004820152426024820152604401610630565b5f8481526003602081905260408220547b01000000000000000000000000000000000000000000000000000000900460ff1690811115610aa457610aa4612449565b14610ade576040517f3f42bac400000000000000000000000000000000000000000000000000000000815260048101859052602401610630565b6040805160c08101825233815264ffffffffff841660208201527f000000000000000000000000000000000000000000000000000000000000000061ffff811692820192909252606081016001815273ffffffffffffffffffffffffffffffffffffffff8087166020808401919091526bffffffffffffffffffffffff86166040938401525f89815260038083529084902085518154938701519587015161ffff16790100000000000000000000000000000000000000000000000000027fffffffffff0000ffffffffffffffffffffffffffffffffffffffffffffffffff64ffffffffff90971674010000000000000000000000000000000000000000027fffffffffffffff000000000000000000000000000000000000000000000000009095169190951617929092179384168317825560608501519193919284927fffffffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffff9091167fffffffff000000ffffffffffffffffffffffffffffffffffffffffffffffffff90911617907b01000000000000000000000000000000000000000000000000000000908490811115610c9557610c95612449565b0217905550608082015160a0909201516bffffffffffffffffffffffff16740100000000000000000000000000000000000000000273ffffffffffffffffffffffffffffffffffffffff9283161760019091015560405190851690339087907fba495331bdcbf581234ca96cf464066e333b97ec2c05ff3c7a0f043f61b7ea7290610d80907f00000000000000000000000000000000000000000000000000000000000000009088908a90899073ffffffffffffffffffffffffffffffffffffffff949094168452602084019290925264ffffffffff16604083015261ffff16606082015260800190565b60405180910390a461078c7f00000000000000000000000000000000000000000000000000000000000000003384611eda565b60ff5f5c1615610def576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d505f818152600360205260409020600281547b01000000000000000000000000000000000000000000000000000000900460ff166003811115610e4157610e41612449565b14610ea05780546040517f27263e2f0000000000000000000000000000000000000000000000000000000081526106309184917b0100000000000000000000000000000000000000000000000000000090910460ff16906004016125d0565b60018101547401000000000000000000000000000000000000000090046bffffffffffffffffffffffff165f819003610f08576040517fc706630000000000000000000000000000000000000000000000000000000000815260048101849052602401610630565b815460018301805473ffffffffffffffffffffffffffffffffffffffff908116909155604051838152911690819085907ff552ca82e113ac3c539c3d617f29fcd19c172a0c75dad017555c9e109f7fe1839060200160405180910390a3610f907f00000000000000000000000000000000000000000000000000000000000000008284611d55565b505f91505060ff19815c16815d5050565b73ffffffffffffffffffffffffffffffffffffffff81165f908152600460205260408120548015610fdc57610fd76001826125bd565b610fde565b5f5b9392505050565b60015473ffffffffffffffffffffffffffffffffffffffff163314611036576040517f1853971c00000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b5f8054604051339273ffffffffffffffffffffffffffffffffffffffff909216917f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e091a35f80547fffffffffffffffffffffffff00000000000000000000000000000000000000009081163317909155600180549091169055565b60025473ffffffffffffffffffffffffffffffffffffffff163314611102576040517f7c214f0400000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60ff5f5c161561113e576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d505f82815260036020526040902080547b01000000000000000000000000000000000000000000000000000000900460ff16600181600381111561119157611191612449565b146111cc5783816040517f09b9bfa80000000000000000000000000000000000000000000000000000000081526004016106309291906125d0565b5f6111d8838686611b18565b9050801561120a5761120a7f000000000000000000000000000000000000000000000000000000000000000082611ce9565b505f91505060ff19815c16815d505050565b60ff5f5c1615611258576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d505f818152600360205260409020600181547b01000000000000000000000000000000000000000000000000000000900460ff1660038111156112aa576112aa612449565b146113095780546040517f09b9bfa80000000000000000000000000000000000000000000000000000000081526106309184917b0100000000000000000000000000000000000000000000000000000090910460ff16906004016125d0565b805473ffffffffffffffffffffffffffffffffffffffff163314611362576040517f3b09c86b00000000000000000000000000000000000000000000000000000000815260048101839052336024820152604401610630565b80545f906113b0907f00000000000000000000000000000000000000000000000000000000000000009074010000000000000000000000000000000000000000900464ffffffffff166125aa565b9050804210156113f6576040517f166a3eb80000000000000000000000000000000000000000000000000000000081526004810184905260248101829052604401610630565b60018201805483547fffffffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffff167b0300000000000000000000000000000000000000000000000000000017845573ffffffffffffffffffffffffffffffffffffffff811690915560408051740100000000000000000000000000000000000000009092046bffffffffffffffffffffffff1680835290519091339186917f15d3ff426f736ded7ea73283575f6dc42d6d4247faaa84108c3526511ddebbb7919081900360200190a3610f907f00000000000000000000000000000000000000000000000000000000000000003383611d55565b5f5473ffffffffffffffffffffffffffffffffffffffff163314611536576040517f30cd747100000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b73ffffffffffffffffffffffffffffffffffffffff8116611583576040517fd92e233d00000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60025460405173ffffffffffffffffffffffffffffffffffffffff8084169216907fd58299b712891143e76310d5e664c4203c940a67db37cf856bdaa3c5c76a802c905f90a3600280547fffffffffffffffffffffffff00000000000000000000000000000000000000001673ffffffffffffffffffffffffffffffffffffffff92909216919091179055565b5f8181526003602052604081208181547b01000000000000000000000000000000000000000000000000000000900460ff16600381111561165357611653612449565b14610fdc578054610fd7907f00000000000000000000000000000000000000000000000000000000000000009074010000000000000000000000000000000000000000900464ffffffffff166125aa565b60ff5f5c16156116e0576040517fab143c0600000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b60015f805c60ff19168217905d505f838152600360205260409020600181547b01000000000000000000000000000000000000000000000000000000900460ff16600381111561173257611732612449565b146117915780546040517f09b9bfa80000000000000000000000000000000000000000000000000000000081526106309186917b0100000000000000000000000000000000000000000000000000000090910460ff16906004016125d0565b805473ffffffffffffffffffffffffffffffffffffffff1633146117ea576040517f3b09c86b00000000000000000000000000000000000000000000000000000000815260048101859052336024820152604401610630565b821580156117fd575064ffffffffff8216155b15611834576040517f1f2a200500000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b805464ffffffffff74010000000000000000000000000000000000000000909104811690831615611901578064ffffffffff168364ffffffffff1610156118b8576040517ffe98eaa900000000000000000000000000000000000000000000000000000000815264ffffffffff808316600483015284166024820152604401610630565b5080547fffffffffffffff0000000000ffffffffffffffffffffffffffffffffffffffff167401000000000000000000000000000000000000000064ffffffffff841602178155815b60018201545f906119399086907401000000000000000000000000000000000000000090046bffffffffffffffffffffffff166125aa565b90506bffffffffffffffffffffffff811115611984576040517f08083b2a00000000000000000000000000000000000000000000000000000000815260048101829052602401610630565b60018301805473ffffffffffffffffffffffffffffffffffffffff16740100000000000000000000000000000000000000006bffffffffffffffffffffffff841602179055604080518681526020810183905264ffffffffff84169181019190915286907f65f32ad8c1344a460d25f6bb3c814915fd44a176923c466bf67810128fe05c569060600160405180910390a2611a407f00000000000000000000000000000000000000000000000000000000000000003387611eda565b505f91505060ff19815c16815d50505050565b5f5473ffffffffffffffffffffffffffffffffffffffff163314611aa3576040517f30cd747100000000000000000000000000000000000000000000000000000000815260040160405180910390fd5b600180547fffffffffffffffffffffffff00000000000000000000000000000000000000001673ffffffffffffffffffffffffffffffffffffffff8381169182179092555f8054604051929316917f38d16b8cac22d99fc7c124b9cd0de2d3fa1faef420bfe791d8c362d765e227009190a350565b60018301545f907401000000000000000000000000000000000000000090046bffffffffffffffffffffffff1680831115611b90576040517f65d69181000000000000000000000000000000000000000000000000000000008152600481018590526024810184905260448101829052606401610630565b845461271090611bc190790100000000000000000000000000000000000000000000000000900461ffff16856125e4565b611bcb91906125fb565b91505f611bd883856125bd565b90505f611be585846125bd565b60018801805489547fffffffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffff167b02000000000000000000000000000000000000000000000000000000178a5573ffffffffffffffffffffffffffffffffffffffff16740100000000000000000000000000000000000000006bffffffffffffffffffffffff84160281179091559091508215611c8357611c838184611ce9565b604080518481526020810187905290810183905273ffffffffffffffffffffffffffffffffffffffff82169088907fc86f3ad83f074ba4e734a56f806a05e199c0a1ca86fc514ea7ec145e4c36500a9060600160405180910390a3505050509392505050565b73ffffffffffffffffffffffffffffffffffffffff82165f90815260046020526040902054818115611d1b5781611d1e565b60015b611d2891906125aa565b73ffffffffffffffffffffffffffffffffffffffff9093165f908152600460205260409020929092555050565b73ffffffffffffffffffffffffffffffffffffffff8316611e2b575f8273ffffffffffffffffffffffffffffffffffffffff16826040515f6040518083038185875af1925050503d805f8114611dc6576040519150601f19603f3d011682016040523d82523d5f602084013e611dcb565b606091505b5050905080611e25576040517fdea95fba00000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff8416600482015260248101839052604401610630565b50505050565b60405173ffffffffffffffffffffffffffffffffffffffff8316602482015260448101829052611ed5908490606401604080517fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe08184030181529190526020810180517bffffffffffffffffffffffffffffffffffffffffffffffffffffffff167fa9059cbb000000000000000000000000000000000000000000000000000000001790526121cc565b505050565b73ffffffffffffffffffffffffffffffffffffffff8316611f3757803414611ed5576040517f626ade3000000000000000000000000000000000000000000000000000000000815234600482015260248101829052604401610630565b3415611f77576040517f626ade300000000000000000000000000000000000000000000000000000000081523460048201525f6024820152604401610630565b805f03611f8357505050565b6040517f70a082310000000000000000000000000000000000000000000000000000000081523060048201525f9073ffffffffffffffffffffffffffffffffffffffff8516906370a0823190602401602060405180830381865afa158015611fed573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906120119190612633565b60405173ffffffffffffffffffffffffffffffffffffffff85166024820152306044820152606481018490529091506120c4908590608401604080517fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe08184030181529190526020810180517bffffffffffffffffffffffffffffffffffffffffffffffffffffffff167f23b872dd000000000000000000000000000000000000000000000000000000001790526121cc565b6040517f70a082310000000000000000000000000000000000000000000000000000000081523060048201525f9073ffffffffffffffffffffffffffffffffffffffff8616906370a0823190602401602060405180830381865afa15801561212e573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906121529190612633565b90508181108061216b57508261216883836125bd565b14155b156121c5578181106121865761218182826125bd565b612188565b5f5b6040517f53ee4726000000000000000000000000000000000000000000000000000000008152600481019190915260248101849052604401610630565b5050505050565b5f5f8373ffffffffffffffffffffffffffffffffffffffff16836040516121f3919061264a565b5f604051808303815f865af19150503d805f811461222c576040519150601f19603f3d011682016040523d82523d5f602084013e612231565b606091505b5091509150811580612279575080511561225f57808060200190518101906122599190612660565b15612279565b73ffffffffffffffffffffffffffffffffffffffff84163b155b15611e25576040517f2b596cb700000000000000000000000000000000000000000000000000000000815273ffffffffffffffffffffffffffffffffffffffff85166004820152602401610630565b5f5f83601f8401126122d8575f5ffd5b50813567ffffffffffffffff8111156122ef575f5ffd5b6020830191508360208260051b8501011115612309575f5ffd5b9250929050565b5f5f5f5f60408587031215612323575f5ffd5b843567ffffffffffffffff811115612339575f5ffd5b612345878288016122c8565b909550935050602085013567ffffffffffffffff811115612364575f5ffd5b612370878288016122c8565b95989497509550505050565b803573ffffffffffffffffffffffffffffffffffffffff8116811461239f575f5ffd5b919050565b803564ffffffffff8116811461239f575f5ffd5b5f5f5f5f608085870312156123cb575f5ffd5b843593506123db6020860161237c565b92506123e9604086016123a4565b9396929550929360600135925050565b5f60208284031215612409575f5ffd5b5035919050565b5f60208284031215612420575f5ffd5b610fde8261237c565b5f5f6040838503121561243a575f5ffd5b50508035926020909101359150565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52602160045260245ffd5b600481106124ab577f4e487b71000000000000000000000000000000000000000000000000000000005f52602160045260245ffd5b9052565b73ffffffffffffffffffffffffffffffffffffffff8781168252861660208201526040810185905264ffffffffff8416606082015261ffff8316608082015260c081016124ff60a0830184612476565b979650505050505050565b5f5f5f6060848603121561251c575f5ffd5b8335925060208401359150612533604085016123a4565b90509250925092565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b602081016125778284612476565b92915050565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b808201808211156125775761257761257d565b818103818111156125775761257761257d565b82815260408101610fde6020830184612476565b80820281158282048414176125775761257761257d565b5f8261262e577f4e487b71000000000000000000000000000000000000000000000000000000005f52601260045260245ffd5b500490565b5f60208284031215612643575f5ffd5b5051919050565b5f82518060208501845e5f920191825250919050565b5f60208284031215612670575f5ffd5b81518015158114610fde575f5ffd";

    private static String librariesLinkedBinary;

    public static final String FUNC_MAX_FEE_BPS = "MAX_FEE_BPS";

    public static final String FUNC_MAX_GRACE = "MAX_GRACE";

    public static final String FUNC_ACCEPTOWNERSHIP = "acceptOwnership";

    public static final String FUNC_CREDITOF = "creditOf";

    public static final String FUNC_FEEBPS = "feeBps";

    public static final String FUNC_GETRENTAL = "getRental";

    public static final String FUNC_GRACE = "grace";

    public static final String FUNC_OPEN = "open";

    public static final String FUNC_OPERATOR = "operator";

    public static final String FUNC_OWNER = "owner";

    public static final String FUNC_PENDINGOWNER = "pendingOwner";

    public static final String FUNC_RECLAIM = "reclaim";

    public static final String FUNC_RECLAIMABLEAT = "reclaimableAt";

    public static final String FUNC_REFUND = "refund";

    public static final String FUNC_SETOPERATOR = "setOperator";

    public static final String FUNC_SETTLE = "settle";

    public static final String FUNC_SETTLEBATCH = "settleBatch";

    public static final String FUNC_TOKEN = "token";

    public static final String FUNC_TOPUP = "topUp";

    public static final String FUNC_TRANSFEROWNERSHIP = "transferOwnership";

    public static final String FUNC_TREASURY = "treasury";

    public static final String FUNC_WITHDRAW = "withdraw";

    public static final Event OPENED_EVENT = new Event("Opened", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Address>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint40>() {}, new TypeReference<Uint16>() {}));
    ;

    public static final Event OPERATORCHANGED_EVENT = new Event("OperatorChanged", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>(true) {}, new TypeReference<Address>(true) {}));
    ;

    public static final Event OWNERSHIPTRANSFERSTARTED_EVENT = new Event("OwnershipTransferStarted", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>(true) {}, new TypeReference<Address>(true) {}));
    ;

    public static final Event OWNERSHIPTRANSFERRED_EVENT = new Event("OwnershipTransferred", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>(true) {}, new TypeReference<Address>(true) {}));
    ;

    public static final Event RECLAIMED_EVENT = new Event("Reclaimed", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Uint256>() {}));
    ;

    public static final Event REFUNDED_EVENT = new Event("Refunded", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Uint256>() {}));
    ;

    public static final Event SETTLESKIPPED_EVENT = new Event("SettleSkipped", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>(true) {}, new TypeReference<Uint8>() {}));
    ;

    public static final Event SETTLED_EVENT = new Event("Settled", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>(true) {}, new TypeReference<Address>(true) {}, new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final Event TOPPEDUP_EVENT = new Event("ToppedUp", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>(true) {}, new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint40>() {}));
    ;

    public static final Event WITHDRAWN_EVENT = new Event("Withdrawn", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>(true) {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError AMOUNTTOOLARGE_ERROR = new CustomError("AmountTooLarge", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}));
    ;

    public static final CustomError ETHTRANSFERFAILED_ERROR = new CustomError("EthTransferFailed", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError EXPIRYNOTEXTENDED_ERROR = new CustomError("ExpiryNotExtended", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError EXPIRYNOTINFUTURE_ERROR = new CustomError("ExpiryNotInFuture", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError FEETOOHIGH_ERROR = new CustomError("FeeTooHigh", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError GRACETOOLONG_ERROR = new CustomError("GraceTooLong", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError INVALIDHOST_ERROR = new CustomError("InvalidHost", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
    ;

    public static final CustomError LENGTHMISMATCH_ERROR = new CustomError("LengthMismatch", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError NOTATOKEN_ERROR = new CustomError("NotAToken", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
    ;

    public static final CustomError NOTOPEN_ERROR = new CustomError("NotOpen", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>() {}, new TypeReference<Uint8>() {}));
    ;

    public static final CustomError NOTOPERATOR_ERROR = new CustomError("NotOperator", 
            Arrays.<TypeReference<?>>asList());
    ;

    public static final CustomError NOTOWNER_ERROR = new CustomError("NotOwner", 
            Arrays.<TypeReference<?>>asList());
    ;

    public static final CustomError NOTPENDINGOWNER_ERROR = new CustomError("NotPendingOwner", 
            Arrays.<TypeReference<?>>asList());
    ;

    public static final CustomError NOTRENTER_ERROR = new CustomError("NotRenter", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>() {}, new TypeReference<Address>() {}));
    ;

    public static final CustomError NOTSETTLED_ERROR = new CustomError("NotSettled", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>() {}, new TypeReference<Uint8>() {}));
    ;

    public static final CustomError NOTHINGTOREFUND_ERROR = new CustomError("NothingToRefund", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>() {}));
    ;

    public static final CustomError NOTHINGTOWITHDRAW_ERROR = new CustomError("NothingToWithdraw", 
            Arrays.<TypeReference<?>>asList());
    ;

    public static final CustomError RECEIVEDMISMATCH_ERROR = new CustomError("ReceivedMismatch", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError RECLAIMTOOEARLY_ERROR = new CustomError("ReclaimTooEarly", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError REENTRANCY_ERROR = new CustomError("Reentrancy", 
            Arrays.<TypeReference<?>>asList());
    ;

    public static final CustomError RENTALEXISTS_ERROR = new CustomError("RentalExists", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>() {}));
    ;

    public static final CustomError TOKENTRANSFERFAILED_ERROR = new CustomError("TokenTransferFailed", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
    ;

    public static final CustomError USEDEXCEEDSDEPOSIT_ERROR = new CustomError("UsedExceedsDeposit", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Bytes32>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError VALUEMISMATCH_ERROR = new CustomError("ValueMismatch", 
            Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}));
    ;

    public static final CustomError ZEROADDRESS_ERROR = new CustomError("ZeroAddress", 
            Arrays.<TypeReference<?>>asList());
    ;

    public static final CustomError ZEROAMOUNT_ERROR = new CustomError("ZeroAmount", 
            Arrays.<TypeReference<?>>asList());
    ;

    @Deprecated
    protected RentalEscrow(String contractAddress, Web3j web3j, Credentials credentials,
            BigInteger gasPrice, BigInteger gasLimit) {
        super(BINARY, contractAddress, web3j, credentials, gasPrice, gasLimit);
    }

    protected RentalEscrow(String contractAddress, Web3j web3j, Credentials credentials,
            ContractGasProvider contractGasProvider) {
        super(BINARY, contractAddress, web3j, credentials, contractGasProvider);
    }

    @Deprecated
    protected RentalEscrow(String contractAddress, Web3j web3j,
            TransactionManager transactionManager, BigInteger gasPrice, BigInteger gasLimit) {
        super(BINARY, contractAddress, web3j, transactionManager, gasPrice, gasLimit);
    }

    protected RentalEscrow(String contractAddress, Web3j web3j,
            TransactionManager transactionManager, ContractGasProvider contractGasProvider) {
        super(BINARY, contractAddress, web3j, transactionManager, contractGasProvider);
    }

    public RemoteFunctionCall<BigInteger> MAX_FEE_BPS() {
        final Function function = new Function(FUNC_MAX_FEE_BPS, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Uint16>() {}));
        return executeRemoteCallSingleValueReturn(function, BigInteger.class);
    }

    public static String getABI_MAX_FEE_BPS() {
        final Function function = new Function(
                FUNC_MAX_FEE_BPS, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<BigInteger> MAX_GRACE() {
        final Function function = new Function(FUNC_MAX_GRACE, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}));
        return executeRemoteCallSingleValueReturn(function, BigInteger.class);
    }

    public static String getABI_MAX_GRACE() {
        final Function function = new Function(
                FUNC_MAX_GRACE, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> acceptOwnership() {
        final Function function = new Function(
                FUNC_ACCEPTOWNERSHIP, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_acceptOwnership() {
        final Function function = new Function(
                FUNC_ACCEPTOWNERSHIP, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<BigInteger> creditOf(String account) {
        final Function function = new Function(FUNC_CREDITOF, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, account)), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}));
        return executeRemoteCallSingleValueReturn(function, BigInteger.class);
    }

    public static String getABI_creditOf(String account) {
        final Function function = new Function(
                FUNC_CREDITOF, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, account)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<BigInteger> feeBps() {
        final Function function = new Function(FUNC_FEEBPS, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Uint16>() {}));
        return executeRemoteCallSingleValueReturn(function, BigInteger.class);
    }

    public static String getABI_feeBps() {
        final Function function = new Function(
                FUNC_FEEBPS, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<Tuple6<String, String, BigInteger, BigInteger, BigInteger, BigInteger>> getRental(
            byte[] rentalId) {
        final Function function = new Function(FUNC_GETRENTAL, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}, new TypeReference<Address>() {}, new TypeReference<Uint256>() {}, new TypeReference<Uint40>() {}, new TypeReference<Uint16>() {}, new TypeReference<Uint8>() {}));
        return new RemoteFunctionCall<Tuple6<String, String, BigInteger, BigInteger, BigInteger, BigInteger>>(function,
                new Callable<Tuple6<String, String, BigInteger, BigInteger, BigInteger, BigInteger>>() {
                    @Override
                    public Tuple6<String, String, BigInteger, BigInteger, BigInteger, BigInteger> call(
                            ) throws Exception {
                        List<Type> results = executeCallMultipleValueReturn(function);
                        return new Tuple6<String, String, BigInteger, BigInteger, BigInteger, BigInteger>(
                                (String) results.get(0).getValue(), 
                                (String) results.get(1).getValue(), 
                                (BigInteger) results.get(2).getValue(), 
                                (BigInteger) results.get(3).getValue(), 
                                (BigInteger) results.get(4).getValue(), 
                                (BigInteger) results.get(5).getValue());
                    }
                });
    }

    public static String getABI_getRental(byte[] rentalId) {
        final Function function = new Function(
                FUNC_GETRENTAL, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<BigInteger> grace() {
        final Function function = new Function(FUNC_GRACE, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}));
        return executeRemoteCallSingleValueReturn(function, BigInteger.class);
    }

    public static String getABI_grace() {
        final Function function = new Function(
                FUNC_GRACE, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> open(byte[] rentalId, String host,
            BigInteger expiresAt, BigInteger amount, BigInteger weiValue) {
        final Function function = new Function(
                FUNC_OPEN, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId), 
                new org.web3j.abi.datatypes.Address(160, host), 
                new org.web3j.abi.datatypes.generated.Uint40(expiresAt), 
                new org.web3j.abi.datatypes.generated.Uint256(amount)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function, weiValue);
    }

    public static String getABI_open(byte[] rentalId, String host, BigInteger expiresAt,
            BigInteger amount, BigInteger weiValue) {
        final Function function = new Function(
                FUNC_OPEN, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId), 
                new org.web3j.abi.datatypes.Address(160, host), 
                new org.web3j.abi.datatypes.generated.Uint40(expiresAt), 
                new org.web3j.abi.datatypes.generated.Uint256(amount)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<String> operator() {
        final Function function = new Function(FUNC_OPERATOR, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
        return executeRemoteCallSingleValueReturn(function, String.class);
    }

    public static String getABI_operator() {
        final Function function = new Function(
                FUNC_OPERATOR, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<String> owner() {
        final Function function = new Function(FUNC_OWNER, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
        return executeRemoteCallSingleValueReturn(function, String.class);
    }

    public static String getABI_owner() {
        final Function function = new Function(
                FUNC_OWNER, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<String> pendingOwner() {
        final Function function = new Function(FUNC_PENDINGOWNER, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
        return executeRemoteCallSingleValueReturn(function, String.class);
    }

    public static String getABI_pendingOwner() {
        final Function function = new Function(
                FUNC_PENDINGOWNER, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> reclaim(byte[] rentalId) {
        final Function function = new Function(
                FUNC_RECLAIM, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_reclaim(byte[] rentalId) {
        final Function function = new Function(
                FUNC_RECLAIM, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<BigInteger> reclaimableAt(byte[] rentalId) {
        final Function function = new Function(FUNC_RECLAIMABLEAT, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Uint256>() {}));
        return executeRemoteCallSingleValueReturn(function, BigInteger.class);
    }

    public static String getABI_reclaimableAt(byte[] rentalId) {
        final Function function = new Function(
                FUNC_RECLAIMABLEAT, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> refund(byte[] rentalId) {
        final Function function = new Function(
                FUNC_REFUND, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_refund(byte[] rentalId) {
        final Function function = new Function(
                FUNC_REFUND, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> setOperator(String newOperator) {
        final Function function = new Function(
                FUNC_SETOPERATOR, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, newOperator)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_setOperator(String newOperator) {
        final Function function = new Function(
                FUNC_SETOPERATOR, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, newOperator)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> settle(byte[] rentalId, BigInteger used) {
        final Function function = new Function(
                FUNC_SETTLE, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId), 
                new org.web3j.abi.datatypes.generated.Uint256(used)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_settle(byte[] rentalId, BigInteger used) {
        final Function function = new Function(
                FUNC_SETTLE, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId), 
                new org.web3j.abi.datatypes.generated.Uint256(used)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> settleBatch(List<byte[]> rentalIds,
            List<BigInteger> used) {
        final Function function = new Function(
                FUNC_SETTLEBATCH, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.DynamicArray<org.web3j.abi.datatypes.generated.Bytes32>(
                        org.web3j.abi.datatypes.generated.Bytes32.class,
                        org.web3j.abi.Utils.typeMap(rentalIds, org.web3j.abi.datatypes.generated.Bytes32.class)), 
                new org.web3j.abi.datatypes.DynamicArray<org.web3j.abi.datatypes.generated.Uint256>(
                        org.web3j.abi.datatypes.generated.Uint256.class,
                        org.web3j.abi.Utils.typeMap(used, org.web3j.abi.datatypes.generated.Uint256.class))), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_settleBatch(List<byte[]> rentalIds, List<BigInteger> used) {
        final Function function = new Function(
                FUNC_SETTLEBATCH, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.DynamicArray<org.web3j.abi.datatypes.generated.Bytes32>(
                        org.web3j.abi.datatypes.generated.Bytes32.class,
                        org.web3j.abi.Utils.typeMap(rentalIds, org.web3j.abi.datatypes.generated.Bytes32.class)), 
                new org.web3j.abi.datatypes.DynamicArray<org.web3j.abi.datatypes.generated.Uint256>(
                        org.web3j.abi.datatypes.generated.Uint256.class,
                        org.web3j.abi.Utils.typeMap(used, org.web3j.abi.datatypes.generated.Uint256.class))), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<String> token() {
        final Function function = new Function(FUNC_TOKEN, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
        return executeRemoteCallSingleValueReturn(function, String.class);
    }

    public static String getABI_token() {
        final Function function = new Function(
                FUNC_TOKEN, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> topUp(byte[] rentalId, BigInteger amount,
            BigInteger newExpiresAt, BigInteger weiValue) {
        final Function function = new Function(
                FUNC_TOPUP, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId), 
                new org.web3j.abi.datatypes.generated.Uint256(amount), 
                new org.web3j.abi.datatypes.generated.Uint40(newExpiresAt)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function, weiValue);
    }

    public static String getABI_topUp(byte[] rentalId, BigInteger amount, BigInteger newExpiresAt,
            BigInteger weiValue) {
        final Function function = new Function(
                FUNC_TOPUP, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.generated.Bytes32(rentalId), 
                new org.web3j.abi.datatypes.generated.Uint256(amount), 
                new org.web3j.abi.datatypes.generated.Uint40(newExpiresAt)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> transferOwnership(String newOwner) {
        final Function function = new Function(
                FUNC_TRANSFEROWNERSHIP, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, newOwner)), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_transferOwnership(String newOwner) {
        final Function function = new Function(
                FUNC_TRANSFEROWNERSHIP, 
                Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, newOwner)), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<String> treasury() {
        final Function function = new Function(FUNC_TREASURY, 
                Arrays.<Type>asList(), 
                Arrays.<TypeReference<?>>asList(new TypeReference<Address>() {}));
        return executeRemoteCallSingleValueReturn(function, String.class);
    }

    public static String getABI_treasury() {
        final Function function = new Function(
                FUNC_TREASURY, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public RemoteFunctionCall<TransactionReceipt> withdraw() {
        final Function function = new Function(
                FUNC_WITHDRAW, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return executeRemoteCallTransaction(function);
    }

    public static String getABI_withdraw() {
        final Function function = new Function(
                FUNC_WITHDRAW, 
                Arrays.<Type>asList(), 
                Collections.<TypeReference<?>>emptyList());
        return org.web3j.abi.FunctionEncoder.encode(function);
    }

    public static List<OpenedEventResponse> getOpenedEvents(TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(OPENED_EVENT, transactionReceipt);
        ArrayList<OpenedEventResponse> responses = new ArrayList<OpenedEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            OpenedEventResponse typedResponse = new OpenedEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
            typedResponse.host = (String) eventValues.getIndexedValues().get(2).getValue();
            typedResponse.token = (String) eventValues.getNonIndexedValues().get(0).getValue();
            typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(1).getValue();
            typedResponse.expiresAt = (BigInteger) eventValues.getNonIndexedValues().get(2).getValue();
            typedResponse.feeBps = (BigInteger) eventValues.getNonIndexedValues().get(3).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static OpenedEventResponse getOpenedEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(OPENED_EVENT, log);
        OpenedEventResponse typedResponse = new OpenedEventResponse();
        typedResponse.log = log;
        typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
        typedResponse.host = (String) eventValues.getIndexedValues().get(2).getValue();
        typedResponse.token = (String) eventValues.getNonIndexedValues().get(0).getValue();
        typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(1).getValue();
        typedResponse.expiresAt = (BigInteger) eventValues.getNonIndexedValues().get(2).getValue();
        typedResponse.feeBps = (BigInteger) eventValues.getNonIndexedValues().get(3).getValue();
        return typedResponse;
    }

    public Flowable<OpenedEventResponse> openedEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getOpenedEventFromLog(log));
    }

    public Flowable<OpenedEventResponse> openedEventFlowable(DefaultBlockParameter startBlock,
            DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(OPENED_EVENT));
        return openedEventFlowable(filter);
    }

    public static List<OperatorChangedEventResponse> getOperatorChangedEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(OPERATORCHANGED_EVENT, transactionReceipt);
        ArrayList<OperatorChangedEventResponse> responses = new ArrayList<OperatorChangedEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            OperatorChangedEventResponse typedResponse = new OperatorChangedEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.previousOperator = (String) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.newOperator = (String) eventValues.getIndexedValues().get(1).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static OperatorChangedEventResponse getOperatorChangedEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(OPERATORCHANGED_EVENT, log);
        OperatorChangedEventResponse typedResponse = new OperatorChangedEventResponse();
        typedResponse.log = log;
        typedResponse.previousOperator = (String) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.newOperator = (String) eventValues.getIndexedValues().get(1).getValue();
        return typedResponse;
    }

    public Flowable<OperatorChangedEventResponse> operatorChangedEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getOperatorChangedEventFromLog(log));
    }

    public Flowable<OperatorChangedEventResponse> operatorChangedEventFlowable(
            DefaultBlockParameter startBlock, DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(OPERATORCHANGED_EVENT));
        return operatorChangedEventFlowable(filter);
    }

    public static List<OwnershipTransferStartedEventResponse> getOwnershipTransferStartedEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(OWNERSHIPTRANSFERSTARTED_EVENT, transactionReceipt);
        ArrayList<OwnershipTransferStartedEventResponse> responses = new ArrayList<OwnershipTransferStartedEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            OwnershipTransferStartedEventResponse typedResponse = new OwnershipTransferStartedEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.previousOwner = (String) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.newOwner = (String) eventValues.getIndexedValues().get(1).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static OwnershipTransferStartedEventResponse getOwnershipTransferStartedEventFromLog(
            Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(OWNERSHIPTRANSFERSTARTED_EVENT, log);
        OwnershipTransferStartedEventResponse typedResponse = new OwnershipTransferStartedEventResponse();
        typedResponse.log = log;
        typedResponse.previousOwner = (String) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.newOwner = (String) eventValues.getIndexedValues().get(1).getValue();
        return typedResponse;
    }

    public Flowable<OwnershipTransferStartedEventResponse> ownershipTransferStartedEventFlowable(
            EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getOwnershipTransferStartedEventFromLog(log));
    }

    public Flowable<OwnershipTransferStartedEventResponse> ownershipTransferStartedEventFlowable(
            DefaultBlockParameter startBlock, DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(OWNERSHIPTRANSFERSTARTED_EVENT));
        return ownershipTransferStartedEventFlowable(filter);
    }

    public static List<OwnershipTransferredEventResponse> getOwnershipTransferredEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(OWNERSHIPTRANSFERRED_EVENT, transactionReceipt);
        ArrayList<OwnershipTransferredEventResponse> responses = new ArrayList<OwnershipTransferredEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            OwnershipTransferredEventResponse typedResponse = new OwnershipTransferredEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.previousOwner = (String) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.newOwner = (String) eventValues.getIndexedValues().get(1).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static OwnershipTransferredEventResponse getOwnershipTransferredEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(OWNERSHIPTRANSFERRED_EVENT, log);
        OwnershipTransferredEventResponse typedResponse = new OwnershipTransferredEventResponse();
        typedResponse.log = log;
        typedResponse.previousOwner = (String) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.newOwner = (String) eventValues.getIndexedValues().get(1).getValue();
        return typedResponse;
    }

    public Flowable<OwnershipTransferredEventResponse> ownershipTransferredEventFlowable(
            EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getOwnershipTransferredEventFromLog(log));
    }

    public Flowable<OwnershipTransferredEventResponse> ownershipTransferredEventFlowable(
            DefaultBlockParameter startBlock, DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(OWNERSHIPTRANSFERRED_EVENT));
        return ownershipTransferredEventFlowable(filter);
    }

    public static List<ReclaimedEventResponse> getReclaimedEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(RECLAIMED_EVENT, transactionReceipt);
        ArrayList<ReclaimedEventResponse> responses = new ArrayList<ReclaimedEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            ReclaimedEventResponse typedResponse = new ReclaimedEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
            typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static ReclaimedEventResponse getReclaimedEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(RECLAIMED_EVENT, log);
        ReclaimedEventResponse typedResponse = new ReclaimedEventResponse();
        typedResponse.log = log;
        typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
        typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
        return typedResponse;
    }

    public Flowable<ReclaimedEventResponse> reclaimedEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getReclaimedEventFromLog(log));
    }

    public Flowable<ReclaimedEventResponse> reclaimedEventFlowable(DefaultBlockParameter startBlock,
            DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(RECLAIMED_EVENT));
        return reclaimedEventFlowable(filter);
    }

    public static List<RefundedEventResponse> getRefundedEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(REFUNDED_EVENT, transactionReceipt);
        ArrayList<RefundedEventResponse> responses = new ArrayList<RefundedEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            RefundedEventResponse typedResponse = new RefundedEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
            typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static RefundedEventResponse getRefundedEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(REFUNDED_EVENT, log);
        RefundedEventResponse typedResponse = new RefundedEventResponse();
        typedResponse.log = log;
        typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.renter = (String) eventValues.getIndexedValues().get(1).getValue();
        typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
        return typedResponse;
    }

    public Flowable<RefundedEventResponse> refundedEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getRefundedEventFromLog(log));
    }

    public Flowable<RefundedEventResponse> refundedEventFlowable(DefaultBlockParameter startBlock,
            DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(REFUNDED_EVENT));
        return refundedEventFlowable(filter);
    }

    public static List<SettleSkippedEventResponse> getSettleSkippedEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(SETTLESKIPPED_EVENT, transactionReceipt);
        ArrayList<SettleSkippedEventResponse> responses = new ArrayList<SettleSkippedEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            SettleSkippedEventResponse typedResponse = new SettleSkippedEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.status = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static SettleSkippedEventResponse getSettleSkippedEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(SETTLESKIPPED_EVENT, log);
        SettleSkippedEventResponse typedResponse = new SettleSkippedEventResponse();
        typedResponse.log = log;
        typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.status = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
        return typedResponse;
    }

    public Flowable<SettleSkippedEventResponse> settleSkippedEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getSettleSkippedEventFromLog(log));
    }

    public Flowable<SettleSkippedEventResponse> settleSkippedEventFlowable(
            DefaultBlockParameter startBlock, DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(SETTLESKIPPED_EVENT));
        return settleSkippedEventFlowable(filter);
    }

    public static List<SettledEventResponse> getSettledEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(SETTLED_EVENT, transactionReceipt);
        ArrayList<SettledEventResponse> responses = new ArrayList<SettledEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            SettledEventResponse typedResponse = new SettledEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.host = (String) eventValues.getIndexedValues().get(1).getValue();
            typedResponse.hostAmount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
            typedResponse.fee = (BigInteger) eventValues.getNonIndexedValues().get(1).getValue();
            typedResponse.refund = (BigInteger) eventValues.getNonIndexedValues().get(2).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static SettledEventResponse getSettledEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(SETTLED_EVENT, log);
        SettledEventResponse typedResponse = new SettledEventResponse();
        typedResponse.log = log;
        typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.host = (String) eventValues.getIndexedValues().get(1).getValue();
        typedResponse.hostAmount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
        typedResponse.fee = (BigInteger) eventValues.getNonIndexedValues().get(1).getValue();
        typedResponse.refund = (BigInteger) eventValues.getNonIndexedValues().get(2).getValue();
        return typedResponse;
    }

    public Flowable<SettledEventResponse> settledEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getSettledEventFromLog(log));
    }

    public Flowable<SettledEventResponse> settledEventFlowable(DefaultBlockParameter startBlock,
            DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(SETTLED_EVENT));
        return settledEventFlowable(filter);
    }

    public static List<ToppedUpEventResponse> getToppedUpEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(TOPPEDUP_EVENT, transactionReceipt);
        ArrayList<ToppedUpEventResponse> responses = new ArrayList<ToppedUpEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            ToppedUpEventResponse typedResponse = new ToppedUpEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
            typedResponse.deposit = (BigInteger) eventValues.getNonIndexedValues().get(1).getValue();
            typedResponse.expiresAt = (BigInteger) eventValues.getNonIndexedValues().get(2).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static ToppedUpEventResponse getToppedUpEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(TOPPEDUP_EVENT, log);
        ToppedUpEventResponse typedResponse = new ToppedUpEventResponse();
        typedResponse.log = log;
        typedResponse.rentalId = (byte[]) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
        typedResponse.deposit = (BigInteger) eventValues.getNonIndexedValues().get(1).getValue();
        typedResponse.expiresAt = (BigInteger) eventValues.getNonIndexedValues().get(2).getValue();
        return typedResponse;
    }

    public Flowable<ToppedUpEventResponse> toppedUpEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getToppedUpEventFromLog(log));
    }

    public Flowable<ToppedUpEventResponse> toppedUpEventFlowable(DefaultBlockParameter startBlock,
            DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(TOPPEDUP_EVENT));
        return toppedUpEventFlowable(filter);
    }

    public static List<WithdrawnEventResponse> getWithdrawnEvents(
            TransactionReceipt transactionReceipt) {
        List<Contract.EventValuesWithLog> valueList = staticExtractEventParametersWithLog(WITHDRAWN_EVENT, transactionReceipt);
        ArrayList<WithdrawnEventResponse> responses = new ArrayList<WithdrawnEventResponse>(valueList.size());
        for (Contract.EventValuesWithLog eventValues : valueList) {
            WithdrawnEventResponse typedResponse = new WithdrawnEventResponse();
            typedResponse.log = eventValues.getLog();
            typedResponse.account = (String) eventValues.getIndexedValues().get(0).getValue();
            typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
            responses.add(typedResponse);
        }
        return responses;
    }

    public static WithdrawnEventResponse getWithdrawnEventFromLog(Log log) {
        Contract.EventValuesWithLog eventValues = staticExtractEventParametersWithLog(WITHDRAWN_EVENT, log);
        WithdrawnEventResponse typedResponse = new WithdrawnEventResponse();
        typedResponse.log = log;
        typedResponse.account = (String) eventValues.getIndexedValues().get(0).getValue();
        typedResponse.amount = (BigInteger) eventValues.getNonIndexedValues().get(0).getValue();
        return typedResponse;
    }

    public Flowable<WithdrawnEventResponse> withdrawnEventFlowable(EthFilter filter) {
        return web3j.ethLogFlowable(filter).map(log -> getWithdrawnEventFromLog(log));
    }

    public Flowable<WithdrawnEventResponse> withdrawnEventFlowable(DefaultBlockParameter startBlock,
            DefaultBlockParameter endBlock) {
        EthFilter filter = new EthFilter(startBlock, endBlock, getContractAddress());
        filter.addSingleTopic(EventEncoder.encode(WITHDRAWN_EVENT));
        return withdrawnEventFlowable(filter);
    }

    @Deprecated
    public static RentalEscrow load(String contractAddress, Web3j web3j, Credentials credentials,
            BigInteger gasPrice, BigInteger gasLimit) {
        return new RentalEscrow(contractAddress, web3j, credentials, gasPrice, gasLimit);
    }

    @Deprecated
    public static RentalEscrow load(String contractAddress, Web3j web3j,
            TransactionManager transactionManager, BigInteger gasPrice, BigInteger gasLimit) {
        return new RentalEscrow(contractAddress, web3j, transactionManager, gasPrice, gasLimit);
    }

    public static RentalEscrow load(String contractAddress, Web3j web3j, Credentials credentials,
            ContractGasProvider contractGasProvider) {
        return new RentalEscrow(contractAddress, web3j, credentials, contractGasProvider);
    }

    public static RentalEscrow load(String contractAddress, Web3j web3j,
            TransactionManager transactionManager, ContractGasProvider contractGasProvider) {
        return new RentalEscrow(contractAddress, web3j, transactionManager, contractGasProvider);
    }

    public static RemoteCall<RentalEscrow> deploy(Web3j web3j, Credentials credentials,
            ContractGasProvider contractGasProvider, String token_, String owner_, String operator_,
            String treasury_, BigInteger feeBps_, BigInteger grace_) {
        String encodedConstructor = FunctionEncoder.encodeConstructor(Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, token_), 
                new org.web3j.abi.datatypes.Address(160, owner_), 
                new org.web3j.abi.datatypes.Address(160, operator_), 
                new org.web3j.abi.datatypes.Address(160, treasury_), 
                new org.web3j.abi.datatypes.generated.Uint16(feeBps_), 
                new org.web3j.abi.datatypes.generated.Uint256(grace_)));
        return deployRemoteCall(RentalEscrow.class, web3j, credentials, contractGasProvider, getDeploymentBinary(), encodedConstructor);
    }

    public static RemoteCall<RentalEscrow> deploy(Web3j web3j,
            TransactionManager transactionManager, ContractGasProvider contractGasProvider,
            String token_, String owner_, String operator_, String treasury_, BigInteger feeBps_,
            BigInteger grace_) {
        String encodedConstructor = FunctionEncoder.encodeConstructor(Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, token_), 
                new org.web3j.abi.datatypes.Address(160, owner_), 
                new org.web3j.abi.datatypes.Address(160, operator_), 
                new org.web3j.abi.datatypes.Address(160, treasury_), 
                new org.web3j.abi.datatypes.generated.Uint16(feeBps_), 
                new org.web3j.abi.datatypes.generated.Uint256(grace_)));
        return deployRemoteCall(RentalEscrow.class, web3j, transactionManager, contractGasProvider, getDeploymentBinary(), encodedConstructor);
    }

    @Deprecated
    public static RemoteCall<RentalEscrow> deploy(Web3j web3j, Credentials credentials,
            BigInteger gasPrice, BigInteger gasLimit, String token_, String owner_,
            String operator_, String treasury_, BigInteger feeBps_, BigInteger grace_) {
        String encodedConstructor = FunctionEncoder.encodeConstructor(Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, token_), 
                new org.web3j.abi.datatypes.Address(160, owner_), 
                new org.web3j.abi.datatypes.Address(160, operator_), 
                new org.web3j.abi.datatypes.Address(160, treasury_), 
                new org.web3j.abi.datatypes.generated.Uint16(feeBps_), 
                new org.web3j.abi.datatypes.generated.Uint256(grace_)));
        return deployRemoteCall(RentalEscrow.class, web3j, credentials, gasPrice, gasLimit, getDeploymentBinary(), encodedConstructor);
    }

    @Deprecated
    public static RemoteCall<RentalEscrow> deploy(Web3j web3j,
            TransactionManager transactionManager, BigInteger gasPrice, BigInteger gasLimit,
            String token_, String owner_, String operator_, String treasury_, BigInteger feeBps_,
            BigInteger grace_) {
        String encodedConstructor = FunctionEncoder.encodeConstructor(Arrays.<Type>asList(new org.web3j.abi.datatypes.Address(160, token_), 
                new org.web3j.abi.datatypes.Address(160, owner_), 
                new org.web3j.abi.datatypes.Address(160, operator_), 
                new org.web3j.abi.datatypes.Address(160, treasury_), 
                new org.web3j.abi.datatypes.generated.Uint16(feeBps_), 
                new org.web3j.abi.datatypes.generated.Uint256(grace_)));
        return deployRemoteCall(RentalEscrow.class, web3j, transactionManager, gasPrice, gasLimit, getDeploymentBinary(), encodedConstructor);
    }

    public static void linkLibraries(List<Contract.LinkReference> references) {
        librariesLinkedBinary = linkBinaryWithReferences(BINARY, references);
    }

    private static String getDeploymentBinary() {
        if (librariesLinkedBinary != null) {
            return librariesLinkedBinary;
        } else {
            return BINARY;
        }
    }

    public static class OpenedEventResponse extends BaseEventResponse {
        public byte[] rentalId;

        public String renter;

        public String host;

        public String token;

        public BigInteger amount;

        public BigInteger expiresAt;

        public BigInteger feeBps;
    }

    public static class OperatorChangedEventResponse extends BaseEventResponse {
        public String previousOperator;

        public String newOperator;
    }

    public static class OwnershipTransferStartedEventResponse extends BaseEventResponse {
        public String previousOwner;

        public String newOwner;
    }

    public static class OwnershipTransferredEventResponse extends BaseEventResponse {
        public String previousOwner;

        public String newOwner;
    }

    public static class ReclaimedEventResponse extends BaseEventResponse {
        public byte[] rentalId;

        public String renter;

        public BigInteger amount;
    }

    public static class RefundedEventResponse extends BaseEventResponse {
        public byte[] rentalId;

        public String renter;

        public BigInteger amount;
    }

    public static class SettleSkippedEventResponse extends BaseEventResponse {
        public byte[] rentalId;

        public BigInteger status;
    }

    public static class SettledEventResponse extends BaseEventResponse {
        public byte[] rentalId;

        public String host;

        public BigInteger hostAmount;

        public BigInteger fee;

        public BigInteger refund;
    }

    public static class ToppedUpEventResponse extends BaseEventResponse {
        public byte[] rentalId;

        public BigInteger amount;

        public BigInteger deposit;

        public BigInteger expiresAt;
    }

    public static class WithdrawnEventResponse extends BaseEventResponse {
        public String account;

        public BigInteger amount;
    }
}
